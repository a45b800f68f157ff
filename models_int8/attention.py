"""MediaPipe's attention face-mesh model (478 points) in standard operators.

``face_landmark_with_attention.tflite`` predicts a 468-point mesh, then crops
its own feature map around the lips and each eye and refines them (lips, eye
contours, irises). Those crops are three MediaPipe custom operators, written
here as standard OpenVINO operators exactly as MediaPipe's C++ kernels
(``mediapipe/util/tflite/operations/*.cc``, version 2) define them:

- Landmarks2TransformMatrix: level a landmark subset by two of its points,
  take its bounding box, and build the affine matrix that maps an
  ``output_width x output_height`` grid onto that box (scaled by scale_x/y).
- TransformTensorBilinear: bilinear sampling of the feature map at that grid
  (pixel-centre corrected; samples outside the map are 0) -> GridSample.
- TransformLandmarks: apply the affine matrix to (N, 2) points -> MatMul + Add.

Each operator's options come from the TFLite file's flexbuffer custom options;
the conversion extension finds them by the operator's input tensor name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np


def custom_options(tflite_path: Path) -> dict[str, dict[str, Any]]:
    """Custom-operator options keyed by the name of the operator's first input tensor."""
    import tflite
    from flatbuffers import flexbuffers

    buf = tflite_path.read_bytes()
    model = tflite.Model.GetRootAsModel(buf, 0)
    graph = model.Subgraphs(0)
    found: dict[str, dict[str, Any]] = {}
    for i in range(graph.OperatorsLength()):
        op = graph.Operators(i)
        code = model.OperatorCodes(op.OpcodeIndex())
        if not code.CustomCode():
            continue
        raw = op.CustomOptionsAsNumpy().tobytes() if op.CustomOptionsLength() else b""
        try:
            decoded = flexbuffers.Loads(raw) if raw else None
        except (ValueError, TypeError):
            decoded = None  # not a flexbuffer (e.g. the transposed convolution's C struct)
        options = dict(decoded) if isinstance(decoded, dict) else {}
        first_input = graph.Tensors(int(op.InputsAsNumpy()[0])).Name().decode()
        second = graph.Tensors(int(op.InputsAsNumpy()[-1])).Name().decode()
        found[f"{code.CustomCode().decode()}:{first_input}:{second}"] = options
    return found


def _const(value: Any, dtype: Any = np.float32):  # type: ignore[no-untyped-def]
    import openvino.opset13 as ops

    return ops.constant(np.array(value, dtype=dtype))


def _name(output) -> str:  # type: ignore[no-untyped-def]
    return sorted(output.get_names())[0] if output.get_names() else ""


def extensions(tflite_path: Path) -> list[Any]:
    """OpenVINO conversion extensions for the three custom operators of this model."""
    import openvino.opset13 as ops
    from openvino.frontend import ConversionExtension

    options = custom_options(tflite_path)

    def lookup(kind: str, node) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        first, last = node.get_input(0), node.get_input(node.get_input_size() - 1)
        return options[f"{kind}:{_name(first)}:{_name(last)}"]

    def landmarks_to_matrix(node):  # type: ignore[no-untyped-def]
        o = lookup("Landmarks2TransformMatrix", node)
        if float(o.get("target_rotation_radians", 0.0)) != 0.0:
            raise NotImplementedError("only target_rotation_radians == 0 is used by MediaPipe")
        xy = ops.gather(
            ops.reshape(node.get_input(0), _const([-1, 3], np.int64), False),
            _const([0, 1], np.int64),
            _const(1, np.int64),
        )
        left = ops.gather(xy, _const(int(o["left_rotation_idx"]), np.int64), _const(0, np.int64))
        right = ops.gather(xy, _const(int(o["right_rotation_idx"]), np.int64), _const(0, np.int64))
        d = ops.subtract(right, left)
        dx = ops.gather(d, _const(0, np.int64), _const(0, np.int64))
        dy = ops.gather(d, _const(1, np.int64), _const(0, np.int64))
        norm = ops.sqrt(ops.add(ops.multiply(dx, dx), ops.multiply(dy, dy)))
        # rotation r = -atan2(dy, dx): cos r = dx/|d|, sin r = -dy/|d|
        c = ops.divide(dx, norm)
        s = ops.negative(ops.divide(dy, norm))
        pts = ops.gather(
            xy,
            _const(np.array(o["subset_idxs"], np.int64).reshape(-1), np.int64),
            _const(0, np.int64),
        )
        px = ops.gather(pts, _const(0, np.int64), _const(1, np.int64))
        py = ops.gather(pts, _const(1, np.int64), _const(1, np.int64))
        rx = ops.subtract(ops.multiply(c, px), ops.multiply(s, py))
        ry = ops.add(ops.multiply(s, px), ops.multiply(c, py))
        axis = _const([0], np.int64)
        max_x, min_x = ops.reduce_max(rx, axis, False), ops.reduce_min(rx, axis, False)
        max_y, min_y = ops.reduce_max(ry, axis, False), ops.reduce_min(ry, axis, False)
        mx = ops.multiply(ops.add(max_x, min_x), _const(0.5))
        my = ops.multiply(ops.add(max_y, min_y), _const(0.5))
        # centre back in the unrotated frame: R(-r) · mid
        cx = ops.add(ops.multiply(c, mx), ops.multiply(s, my))
        cy = ops.add(ops.negative(ops.multiply(s, mx)), ops.multiply(c, my))
        out_w, out_h = float(o["output_width"]), float(o["output_height"])
        sx = ops.multiply(ops.subtract(max_x, min_x), _const(float(o["scale_x"]) / out_w))
        sy = ops.multiply(ops.subtract(max_y, min_y), _const(float(o["scale_y"]) / out_h))
        # T = Shift(cx, cy) · Rot(-r) · Scale(sx, sy) · Shift(-w/2, -h/2)
        a00, a01 = ops.multiply(c, sx), ops.multiply(s, sy)
        a10, a11 = ops.negative(ops.multiply(s, sx)), ops.multiply(c, sy)
        tx = ops.add(
            cx,
            ops.add(ops.multiply(a00, _const(-out_w / 2)), ops.multiply(a01, _const(-out_h / 2))),
        )
        ty = ops.add(
            cy,
            ops.add(ops.multiply(a10, _const(-out_w / 2)), ops.multiply(a11, _const(-out_h / 2))),
        )

        def one_element(v):  # type: ignore[no-untyped-def]
            return ops.reshape(v, _const([1], np.int64), False)

        top = [one_element(v) for v in (a00, a01)] + [_const([0.0]), one_element(tx)]
        middle = [one_element(v) for v in (a10, a11)] + [_const([0.0]), one_element(ty)]
        bottom = [_const([0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0])]
        matrix = ops.reshape(
            ops.concat(top + middle + bottom, 0), _const([1, 4, 4], np.int64), False
        )
        return [matrix.output(0)]

    def transform_tensor(node):  # type: ignore[no-untyped-def]
        o = lookup("TransformTensorBilinear", node)
        feature, matrix = node.get_input(0), node.get_input(1)
        in_h, in_w = (int(v) for v in feature.get_partial_shape().to_shape()[1:3])
        out_h, out_w = int(o["output_height"]), int(o["output_width"])
        rows = ops.reshape(matrix, _const([4, 4], np.int64), False)
        a = ops.gather(
            ops.gather(rows, _const([0, 1], np.int64), _const(0, np.int64)),
            _const([0, 1], np.int64),
            _const(1, np.int64),
        )  # (2, 2)
        t = ops.gather(
            ops.gather(rows, _const([0, 1], np.int64), _const(0, np.int64)),
            _const([3], np.int64),
            _const(1, np.int64),
        )  # (2, 1)
        # pixel-centre correction of the V2 kernel: t += A · (0.5, 0.5) - 0.5
        t = ops.add(
            t, ops.subtract(ops.matmul(a, _const([[0.5], [0.5]]), False, False), _const(0.5))
        )
        ys, xs = np.meshgrid(np.arange(out_h), np.arange(out_w), indexing="ij")
        grid = np.stack([xs.ravel(), ys.ravel()]).astype(np.float32)  # (2, H*W)
        coords = ops.add(ops.matmul(a, _const(grid), False, False), t)  # (2, H*W)
        cx = ops.gather(coords, _const(0, np.int64), _const(0, np.int64))
        cy = ops.gather(coords, _const(1, np.int64), _const(0, np.int64))
        inside = ops.logical_and(
            ops.logical_and(
                ops.greater_equal(cx, _const(0.0)), ops.less_equal(cx, _const(float(in_w - 1)))
            ),
            ops.logical_and(
                ops.greater_equal(cy, _const(0.0)), ops.less_equal(cy, _const(float(in_h - 1)))
            ),
        )
        gx = ops.subtract(ops.multiply(cx, _const(2.0 / (in_w - 1))), _const(1.0))
        gy = ops.subtract(ops.multiply(cy, _const(2.0 / (in_h - 1))), _const(1.0))
        g = ops.reshape(
            ops.concat(
                [ops.unsqueeze(gx, _const(1, np.int64)), ops.unsqueeze(gy, _const(1, np.int64))], 1
            ),
            _const([1, out_h, out_w, 2], np.int64),
            False,
        )
        nchw = ops.transpose(feature, _const([0, 3, 1, 2], np.int64))
        sampled = ops.grid_sample(
            nchw, g, {"align_corners": True, "mode": "bilinear", "padding_mode": "zeros"}
        )
        nhwc = ops.transpose(sampled, _const([0, 2, 3, 1], np.int64))
        mask = ops.reshape(
            ops.convert(inside, "f32"), _const([1, out_h, out_w, 1], np.int64), False
        )
        return [ops.multiply(nhwc, mask).output(0)]

    def transform_landmarks(node):  # type: ignore[no-untyped-def]
        points, matrix = node.get_input(0), node.get_input(1)
        rows = ops.gather(matrix, _const([0, 1], np.int64), _const(1, np.int64))  # (1, 2, 4)
        a = ops.gather(rows, _const([0, 1], np.int64), _const(2, np.int64))  # (1, 2, 2)
        t = ops.gather(rows, _const([3], np.int64), _const(2, np.int64))  # (1, 2, 1)
        moved = ops.matmul(points, a, False, True)  # (1, N, 2)
        return [ops.add(moved, ops.transpose(t, _const([0, 2, 1], np.int64))).output(0)]

    return [
        ConversionExtension("Landmarks2TransformMatrix", landmarks_to_matrix),
        ConversionExtension("TransformTensorBilinear", transform_tensor),
        ConversionExtension("TransformLandmarks", transform_landmarks),
    ]


def refinement(tflite_path: Path) -> dict[str, list[int]]:
    """Which mesh points each refined output replaces, from the model's own crop subsets.

    The lips crop is levelled by the mouth corners (61 → 291), the eye crops by
    their corners (33 → 133 and 362 → 263). MediaPipe calls the eye on the
    image's left (the person's right, points 33..133) "left".
    """
    subsets = {
        int(o["left_rotation_idx"]): [int(i) for i in o["subset_idxs"]]
        for key, o in custom_options(tflite_path).items()
        if key.startswith("Landmarks2TransformMatrix:")
    }
    return {"lips": subsets[61], "left_eye": subsets[33], "right_eye": subsets[362]}
