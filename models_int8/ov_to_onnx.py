"""OpenVINO model -> ONNX, for the handful of operators MediaPipe's face models use.

Why this route: OpenVINO's TFLite frontend already does the hard part (reading
TFLite, fp16 weights, sparse weights, NHWC -> NCHW, MediaPipe's custom
transposed convolution). After constant folding the graphs hold only ~20
plain operators, each of which maps 1:1 to a standard ONNX operator. So the
ONNX files need no TensorFlow and come from the same graph as the IR files.

Per-channel PRelu is written as ``Relu(x) + slope * Min(x, 0)``: identical
output, and ONNX Runtime's CPU kernels run it much faster than its PRelu.
"""

from __future__ import annotations

from typing import Any

import numpy as np

OPSET = 17
_ELEMENTWISE = {
    "Subtract": "Sub",
    "Divide": "Div",
    "Sqrt": "Sqrt",
    "LogicalAnd": "And",
    "GreaterEqual": "GreaterOrEqual",
    "LessEqual": "LessOrEqual",
    "Negative": "Neg",
}


class _Exporter:
    def __init__(self) -> None:
        import onnx  # noqa: F401

        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self.names: dict[tuple[str, int], str] = {}
        self.counter = 0

    def fresh(self, hint: str) -> str:
        self.counter += 1
        return f"{hint}_{self.counter}"

    def const(self, value: np.ndarray, hint: str = "c") -> str:
        from onnx import numpy_helper

        name = self.fresh(hint)
        self.initializers.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def node(
        self, op: str, inputs: list[str], outputs: list[str] | None = None, **attrs: Any
    ) -> list[str]:
        from onnx import helper

        outputs = outputs or [self.fresh(op.lower())]
        self.nodes.append(helper.make_node(op, inputs, outputs, name=self.fresh(op), **attrs))
        return outputs

    def src(self, op, i: int) -> str:  # type: ignore[no-untyped-def]
        out = op.input_value(i)
        return self.names[(out.get_node().get_friendly_name(), out.get_index())]

    def const_of(self, op, i: int) -> np.ndarray:  # type: ignore[no-untyped-def]
        node = op.input_value(i).get_node()
        if node.get_type_name() != "Constant":
            raise NotImplementedError(f"{op.get_type_name()} input {i} is not constant")
        return np.array(node.get_data())


def _conv_attrs(a: dict[str, Any]) -> dict[str, Any]:
    return {
        "strides": list(a["strides"]),
        "dilations": list(a["dilations"]),
        "pads": list(a["pads_begin"]) + list(a["pads_end"]),
    }


def _pool_attrs(a: dict[str, Any]) -> dict[str, Any]:
    return {
        "kernel_shape": list(a["kernel"]),
        "strides": list(a["strides"]),
        "pads": list(a["pads_begin"]) + list(a["pads_end"]),
        "ceil_mode": int(a["rounding_type"] == "ceil"),
    }


def export(model, path: str, input_name: str = "input") -> None:  # type: ignore[no-untyped-def]
    """Write ``model`` (an openvino.Model with static shapes) as ONNX to ``path``."""
    import onnx
    from onnx import TensorProto, helper
    from openvino import passes

    mgr = passes.Manager()
    mgr.register_pass(passes.ConstantFolding())
    mgr.run_passes(model)

    ex = _Exporter()
    inputs: list[Any] = []
    results: dict[str, str] = {}
    for op in model.get_ordered_ops():
        kind = op.get_type_name()
        key = op.get_friendly_name()
        a = op.get_attributes()
        if kind == "Constant":
            continue  # folded into the consumers as initializers
        if kind == "Parameter":
            shape = [int(d) for d in op.get_output_partial_shape(0).to_shape()]
            inputs.append(helper.make_tensor_value_info(input_name, TensorProto.FLOAT, shape))
            ex.names[(key, 0)] = input_name
            continue
        if kind == "Result":
            results[key] = ex.src(op, 0)
            continue
        x = (
            ex.src(op, 0)
            if op.get_input_size() and op.input_value(0).get_node().get_type_name() != "Constant"
            else None
        )
        out_shape = [int(d) for d in op.get_output_partial_shape(0).to_shape()]

        def operand(i: int, op=op) -> str:  # type: ignore[no-untyped-def]
            node = op.input_value(i).get_node()
            if node.get_type_name() == "Constant":
                return ex.const(np.array(node.get_data()))
            return ex.src(op, i)

        if kind == "Convolution":
            (y,) = ex.node("Conv", [x, ex.const(ex.const_of(op, 1), "w")], **_conv_attrs(a))
        elif kind == "GroupConvolution":
            w = ex.const_of(op, 1)
            groups = w.shape[0]
            w = w.reshape(groups * w.shape[1], *w.shape[2:])
            (y,) = ex.node("Conv", [x, ex.const(w, "w")], group=groups, **_conv_attrs(a))
        elif kind == "ConvolutionBackpropData":
            (y,) = ex.node(
                "ConvTranspose", [x, ex.const(ex.const_of(op, 1), "w")], **_conv_attrs(a)
            )
        elif kind in ("Add", "Multiply"):
            (y,) = ex.node("Add" if kind == "Add" else "Mul", [operand(0), operand(1)])
        elif kind in ("Relu", "Sigmoid"):
            (y,) = ex.node(kind, [x])
        elif kind == "HSwish":
            (y,) = ex.node("HardSwish", [x])
        elif kind == "PRelu":
            slope = ex.const_of(op, 1).astype(np.float32)
            rank = len(out_shape)
            if slope.ndim == 1 and rank == 4:
                slope = slope.reshape(1, -1, 1, 1)
            (pos,) = ex.node("Relu", [x])
            (neg,) = ex.node("Min", [x, ex.const(np.zeros((), np.float32))])
            (scaled,) = ex.node("Mul", [neg, ex.const(slope, "slope")])
            (y,) = ex.node("Add", [pos, scaled])
        elif kind == "MaxPool":
            (y,) = ex.node("MaxPool", [x], **_pool_attrs(a))
        elif kind == "AvgPool":
            (y,) = ex.node(
                "AveragePool", [x], count_include_pad=int(not a["exclude-pad"]), **_pool_attrs(a)
            )
        elif kind == "Pad":
            pads = np.concatenate([ex.const_of(op, 1), ex.const_of(op, 2)]).astype(np.int64)
            value = (
                ex.const_of(op, 3).astype(np.float32)
                if op.get_input_size() > 3
                else np.zeros((), np.float32)
            )
            (y,) = ex.node(
                "Pad", [x, ex.const(pads), ex.const(value.reshape(()))], mode=a["pad_mode"]
            )
        elif kind == "Reshape":
            (y,) = ex.node("Reshape", [x, ex.const(np.array(out_shape, np.int64))])
        elif kind == "Transpose":
            (y,) = ex.node("Transpose", [x], perm=[int(v) for v in ex.const_of(op, 1)])
        elif kind == "Concat":
            parts = [operand(i) for i in range(op.get_input_size())]
            (y,) = ex.node("Concat", parts, axis=int(a["axis"]))
        elif kind == "DepthToSpace":
            mode = "DCR" if a["mode"] == "blocks_first" else "CRD"
            (y,) = ex.node("DepthToSpace", [x], blocksize=int(a["block_size"]), mode=mode)
        elif kind == "Interpolate":
            mode = {"linear": "linear", "linear_onnx": "linear", "nearest": "nearest"}[a["mode"]]
            extra = {"nearest_mode": a["nearest_mode"]} if mode == "nearest" else {}
            (y,) = ex.node(
                "Resize",
                [x, "", "", ex.const(np.array(out_shape, np.int64))],
                mode=mode,
                coordinate_transformation_mode=a["coordinate_transformation_mode"],
                **extra,
            )
        elif kind in _ELEMENTWISE:
            (y,) = ex.node(_ELEMENTWISE[kind], [operand(i) for i in range(op.get_input_size())])
        elif kind == "Convert":
            (y,) = ex.node("Cast", [x], to=TensorProto.FLOAT)
        elif kind == "Gather":
            if int(a.get("batch_dims", 0)) != 0:
                raise NotImplementedError("Gather with batch_dims")
            indices = ex.const_of(op, 1).astype(np.int64)
            (y,) = ex.node("Gather", [operand(0), ex.const(indices)], axis=int(ex.const_of(op, 2)))
        elif kind in ("ReduceMax", "ReduceMin"):
            axes = [int(v) for v in np.atleast_1d(ex.const_of(op, 1))]
            (y,) = ex.node(kind, [x], axes=axes, keepdims=int(a["keep_dims"]))
        elif kind == "Unsqueeze":
            axes = np.atleast_1d(ex.const_of(op, 1)).astype(np.int64)
            (y,) = ex.node("Unsqueeze", [x, ex.const(axes)])
        elif kind == "MatMul":
            sides = []
            for i, flag in ((0, a["transpose_a"]), (1, a["transpose_b"])):
                node = op.input_value(i).get_node()
                if node.get_type_name() == "Constant":
                    value = np.array(node.get_data())
                    sides.append(ex.const(np.swapaxes(value, -1, -2) if flag else value))
                elif flag:
                    rank = len(op.input_value(i).get_partial_shape())
                    perm = [*range(rank - 2), rank - 1, rank - 2]
                    sides.append(ex.node("Transpose", [ex.src(op, i)], perm=perm)[0])
                else:
                    sides.append(ex.src(op, i))
            (y,) = ex.node("MatMul", sides)
        elif kind == "GridSample":
            (y,) = ex.node(
                "GridSample",
                [x, operand(1)],
                mode=a["mode"],
                padding_mode=a["padding_mode"],
                align_corners=int(a["align_corners"]),
            )
        elif kind == "StridedSlice":
            begin, end, step = (ex.const_of(op, i).astype(np.int64) for i in (1, 2, 3))
            if any(
                a[m] and any(a[m]) for m in ("new_axis_mask", "shrink_axis_mask", "ellipsis_mask")
            ):
                raise NotImplementedError("StridedSlice with axis masks")
            end = np.array(
                [
                    np.iinfo(np.int64).max if (a["end_mask"] and a["end_mask"][i]) else e
                    for i, e in enumerate(end)
                ],
                np.int64,
            )
            begin = np.array(
                [0 if (a["begin_mask"] and a["begin_mask"][i]) else b for i, b in enumerate(begin)],
                np.int64,
            )
            axes = np.arange(len(begin), dtype=np.int64)
            (y,) = ex.node(
                "Slice", [x, ex.const(begin), ex.const(end), ex.const(axes), ex.const(step)]
            )
        else:
            raise NotImplementedError(f"no ONNX mapping for OpenVINO {kind}")
        ex.names[(key, 0)] = y

    graph_outputs = []
    for i, result in enumerate(model.get_results()):
        name = results[result.get_friendly_name()]
        shape = [int(d) for d in result.get_output_partial_shape(0).to_shape()]
        out = f"output_{i}"
        ex.node("Identity", [name], [out])
        graph_outputs.append(helper.make_tensor_value_info(out, TensorProto.FLOAT, shape))
    graph = helper.make_graph(ex.nodes, "keepsake", inputs, graph_outputs, ex.initializers)
    onnx_model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="keepsake-models_int8"
    )
    onnx_model.ir_version = 8
    onnx.checker.check_model(onnx_model, full_check=True)
    onnx.save(onnx_model, path)
