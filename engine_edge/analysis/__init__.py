"""Face analysis: detection, 478 landmarks, irises, head pose and person mask.

    models = load_models()                # once; compiles every model
    analysis = analyse(image_rgb, models) # per photo -> engine_edge.face.Analysis
    upright = analyse_upright(image_rgb, models)  # the same, turned upright if it lay on its side

Models come from ``models_int8/`` (MediaPipe 0.10.21's models converted and
quantized by ``models_int8/build.py``) and run on OpenVINO or ONNX Runtime.
"""

from engine_edge.analysis.models import Models, load_models
from engine_edge.analysis.orient import Turn, Upright, analyse_upright
from engine_edge.analysis.pipeline import analyse

__all__ = ["Models", "Turn", "Upright", "analyse", "analyse_upright", "load_models"]
