"""listen's int8 copy of a voice's decoder: the float decoder and a few sentences' frames in, a model
whose convolutions run on 8-bit integers out (LISTEN_PIPER_PRECISION=int8).

Made once per voice beside the split model under the data folder (named by the model's
digest and this variant), never in site-packages, through a temporary file and a rename.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from listen.files import replacing

# Bump when the int8 copy changes (calibration, format, which nodes): it is part of the chunk key.
QUANTISED_VERSION = 1
# Calibration: the decoder's inputs for these sentences, as the voice's own front makes them
# (fixed text and fixed noise, so the same scales every time the copy is made).
CALIBRATION_SENTENCES = (
    "The council approved the new budget on Tuesday, after a long and sometimes heated debate.",
    "Rain is expected across the north by the weekend; temperatures will fall to three degrees.",
    "Why would anyone queue for six hours? Because, she said, the tickets were almost free!",
    "Researchers measured 1,250 samples from 42 rivers between 2019 and 2023.",
)


def variant_name() -> str:
    """The int8 variant as it appears in file names and in the engine's version."""
    return f"int8-q{QUANTISED_VERSION}"


def int8_decoder(decoder: Path, calibration_feeds: Callable[[], Iterable[dict[str, Any]]]) -> Path:
    """The decoder with its convolutions quantised to int8 (static, QLinearConv), made once beside it.

    - Static quantisation: each convolution's input scale is fixed from calibration
      (the min/max over `calibration_feeds`, the decoder's inputs for
      CALIBRATION_SENTENCES), so no run spends time measuring its activations. Dynamic
      quantisation measured slower than float32 here (docs/benchmarks.md).
    - Weights per output channel, signed; activations unsigned: the pairing onnxruntime's
      integer kernels (AVX2, and VNNI where the CPU has it) are fastest at.
    - The first and last convolutions stay float: onnxruntime already fused them with their
      activation, and the quantiser leaves fused nodes alone; the transposed convolutions
      (upsampling) stay float too (QOperator has no int8 transposed convolution).
    """
    target = decoder.with_name(decoder.name.replace(".decoder.onnx", f".decoder.{variant_name()}.onnx"))
    if target.is_file():
        return target
    import logging

    from onnxruntime.quantization import (
        CalibrationDataReader,
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )

    class Feeds(CalibrationDataReader):  # type: ignore[misc]
        def __init__(self) -> None:
            self._feeds = iter(calibration_feeds())

        def get_next(self) -> dict[str, Any] | None:
            return next(self._feeds, None)

    # The quantiser advises pre-processing on the root logger: not for a listener's terminal.
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        with replacing(target) as part:
            quantize_static(
                str(decoder),
                str(part),
                Feeds(),
                quant_format=QuantFormat.QOperator,
                op_types_to_quantize=["Conv"],
                per_channel=True,
                activation_type=QuantType.QUInt8,
                weight_type=QuantType.QInt8,
                calibrate_method=CalibrationMethod.MinMax,
            )
    finally:
        root.setLevel(level)
    return target
