"""listen's copy of a Piper voice model: a voice's .onnx in, a model with word alignments and fixed noise out.

The copy is made once per voice, under the data folder (never into site-packages),
named by the model's sha256, and every worker loads that copy.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from listen.engines.piper.voices import service_settings, sha256
from listen.errors import SettingsError
from listen.files import replacing

# Bump when the copy of a voice model listen makes changes (2: fixed noise, 3: 2-D decoder).
MODEL_PATCH_VERSION = 3
# The fixed noise table: channels x frames. Piper's voices draw noise of 192 channels (the
# flow) and 2 (the duration predictor), one frame per 256 samples: 16,384 frames is 190 s
# of speech for one inference, far more than the longest chunk.
NOISE_SHAPE = (1, 192, 16384)


def aligned_model(model: Path) -> Path | bytes:
    """listen's copy of a voice model, made once: with phoneme alignments, and noise that is fixed.

    - piper's `patch_voice_with_alignment` marks the tensor of each phoneme's length in
      samples as an output: word timings come from it.
    - The model draws random noise (RandomNormalLike) on every call, so the same text came
      out different each time, and an article's bytes with it. Each of those draws is
      replaced by a slice of one table of normal noise (seeded, stored in the model), cut
      to the shape the draw would have had: the same chunk key gives the same samples.
    - The decoder (HiFi-GAN, 85% of the time) runs as 2-D convolutions of height 1, the
      same arithmetic, so onnxruntime can use its blocked (NCHWc) kernels (see _decoder_2d).

    Written beside nothing of the voice's own (it may be read-only, in site-packages):
    under the data folder, named by the model's sha256, after onnxruntime's portable
    graph optimisations (_save_optimised), through a temporary file and a rename so two
    workers patching at once never load half a file. If the data folder cannot be
    written, the model is patched in memory instead, on every load.
    """
    import onnxruntime

    from listen.config import data_dir

    folder = data_dir(service_settings()) / "piper"
    digest = sha256(model)
    # onnxruntime's version is in the name: the copy is saved after its graph optimisations.
    target = folder / f"{digest}.listen{MODEL_PATCH_VERSION}.ort{onnxruntime.__version__}.onnx"
    if target.is_file():
        return target
    # Only to make the copy: importing onnx costs a worker 0.8 s and 30 MB.
    import onnx
    from piper.patch_voice_with_alignment import add_alignment_output

    patched = onnx.load(str(model))
    with contextlib.suppress(
        ValueError
    ):  # already patched, or a model without the tensor: no word timings from it
        add_alignment_output(patched)
    _fix_noise(patched)
    _decoder_2d(patched)
    # The unoptimised model onnxruntime reads from; only the optimised one is renamed into place.
    raw = target.with_name(f"{target.name}.{os.getpid()}.raw")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        onnx.save(patched, str(raw))
        with replacing(target) as optimised:
            _save_optimised(raw, optimised, voice_model=model)
    except OSError:
        return patched.SerializeToString()
    finally:
        with contextlib.suppress(OSError):  # not there, or no folder to look in
            raw.unlink()
    for older in folder.glob(f"{digest}.listen*.onnx"):
        if older != target:
            older.unlink(missing_ok=True)  # an earlier copy of this voice: 75 MB nobody loads again
    return target


def split_model(model: Path | bytes) -> tuple[Path, Path] | None:
    """listen's copy of a voice cut in two, made once beside it: the front (text to the decoder's
    input, with the alignments) and the decoder (HiFi-GAN: that input to samples).

    The decoder is run on windows of frames (engine._WindowedSession): its memory grows with
    the audio one call makes, about 1.3 MB per character, and a clause may be 300 characters
    long. None when the model cannot be cut (a copy only in memory, or a decoder with more
    than one input, as a multi-speaker voice's): the whole model is run instead.
    """
    if isinstance(model, bytes):
        return None
    front = model.with_name(f"{model.stem}.front.onnx")
    decoder = model.with_name(f"{model.stem}.decoder.onnx")
    if front.is_file() and decoder.is_file():
        return front, decoder
    import onnx
    from onnx.utils import Extractor

    whole = onnx.load(str(model))
    graph = whole.graph
    inside = [n for n in graph.node if n.name.startswith(("/dec/", "listen_2d_", "listen_1d_"))]
    weights = {i.name for i in graph.initializer}
    made_inside = {o for n in inside for o in n.output}
    entering = sorted({x for n in inside for x in n.input if x and x not in weights and x not in made_inside})
    if len(entering) != 1:
        return None
    audio = graph.output[0].name
    extractor = Extractor(whole)
    try:
        for path, inputs, outputs in (
            (front, [i.name for i in graph.input], entering + [o.name for o in graph.output[1:]]),
            (decoder, entering, [audio]),
        ):
            with replacing(path) as part:
                onnx.save(extractor.extract_model(inputs, outputs), str(part))
    except Exception:  # a folder we cannot write, or a graph that does not cut there
        return None
    return front, decoder


def _save_optimised(model: Path, out: Path, voice_model: Path) -> None:
    """Save a model after onnxruntime's portable graph optimisations (fusions, constant folding).

    A worker then loads it in 0.16 s instead of 0.45 s, on every start and every respawn.
    Only the portable level is saved: the layout changes of the full level depend on the
    CPU (onnxruntime warns against saving them), so they are made at load, which is cheap.
    """
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    options.optimized_model_filepath = str(out)
    options.log_severity_level = 3
    session(model, options, voice_model)


def session(source: Path | bytes, options: Any, voice_model: Path) -> Any:
    """An onnxruntime session on the CPU; a model it cannot load is an error naming the voice's file."""
    import onnxruntime

    try:
        return onnxruntime.InferenceSession(
            source if isinstance(source, bytes) else str(source),
            sess_options=options,
            providers=["CPUExecutionProvider"],
        )
    except Exception as exc:  # onnxruntime raises its own types for a corrupt model
        raise SettingsError(
            f"Piper voice model {voice_model} could not be loaded ({exc}); replace the file."
        ) from None


def _fix_noise(model: Any) -> None:
    """Replace each RandomNormalLike(x) with Slice(NOISE, 0, Shape(x)): the same noise on every call."""
    import numpy as np
    from onnx import helper, numpy_helper

    graph = model.graph
    draws = [n for n in graph.node if n.op_type == "RandomNormalLike"]
    if not draws:
        return
    noise = np.random.default_rng(20261129).standard_normal(NOISE_SHAPE).astype(np.float32)
    graph.initializer.append(numpy_helper.from_array(noise, "listen_noise"))
    graph.initializer.append(numpy_helper.from_array(np.zeros(3, dtype=np.int64), "listen_noise_starts"))
    for n, node in enumerate(draws):
        shape = f"listen_noise_shape_{n}"
        at = list(graph.node).index(node)
        graph.node.remove(node)
        graph.node.insert(
            at, helper.make_node("Shape", [node.input[0]], [shape], name=f"listen_noise_shape_{n}")
        )
        graph.node.insert(
            at + 1,
            helper.make_node(
                "Slice",
                ["listen_noise", "listen_noise_starts", shape],
                [node.output[0]],
                name=f"listen_noise_{n}",
            ),
        )


def _decoder_2d(model: Any) -> None:
    """Run the decoder's 1-D convolutions as 2-D ones of height 1: the same sums, faster kernels.

    onnxruntime has blocked (NCHWc) kernels for 2-D convolutions only; for a 1-D one it
    unrolls the input into a matrix first. On the bundled voice this cuts the CPU time
    per second of speech by about a tenth (bench/piper_bench.py; samples differ from the
    1-D model's by under 1e-5). The decoder's nodes (named /dec/ by Piper's export) get
    an axis of size 1 at the decoder's input, removed again at its output; the adds and
    activations between the convolutions work on either shape. A model without such
    nodes is left as it is.
    """
    import numpy as np
    from onnx import helper, numpy_helper

    graph = model.graph
    decoder = [n for n in graph.node if n.name.startswith("/dec/")]
    convolutions = [n for n in decoder if n.op_type in ("Conv", "ConvTranspose")]
    weights = {i.name: i for i in graph.initializer}
    if not convolutions or any(
        n.input[1] not in weights or len(weights[n.input[1]].dims) != 3 for n in convolutions
    ):
        return
    inside = {id(n) for n in decoder}
    producer = {out: n for n in graph.node for out in n.output}
    entering = {
        name
        for n in decoder
        for name in n.input
        if name and name not in weights and id(producer.get(name)) not in inside
    }
    leaving = {
        name
        for n in graph.node
        if id(n) not in inside
        for name in n.input
        if id(producer.get(name)) in inside
    } | {o.name for o in graph.output if id(producer.get(o.name)) in inside}
    graph.initializer.append(numpy_helper.from_array(np.array([2], dtype=np.int64), "listen_height_axis"))
    for name in entering:
        for n in decoder:
            n.input[:] = [f"{name}_2d" if i == name else i for i in n.input]
        at = list(graph.node).index(decoder[0])
        graph.node.insert(
            at,
            helper.make_node(
                "Unsqueeze", [name, "listen_height_axis"], [f"{name}_2d"], name=f"listen_2d_{name}"
            ),
        )
    for name in leaving:
        node = producer[name]
        node.output[:] = [f"{name}_2d" if o == name else o for o in node.output]
        at = list(graph.node).index(node)
        graph.node.insert(
            at + 1,
            helper.make_node(
                "Squeeze", [f"{name}_2d", "listen_height_axis"], [name], name=f"listen_1d_{name}"
            ),
        )
    done: set[str] = set()
    for n in convolutions:
        weight = weights[n.input[1]]
        if weight.name not in done:
            weight.CopyFrom(
                numpy_helper.from_array(numpy_helper.to_array(weight)[:, :, None, :], weight.name)
            )
            done.add(weight.name)
        # The new first axis has size 1: kernel, dilation and stride 1 along it, no padding.
        for attribute in n.attribute:
            values = list(attribute.ints)
            if attribute.name in ("kernel_shape", "dilations", "strides"):
                attribute.ints[:] = [1, *values]
            elif attribute.name == "output_padding":
                attribute.ints[:] = [0, *values]
            elif attribute.name == "pads":  # [begin, end] -> [begin 0, begin, end 0, end]
                attribute.ints[:] = [0, values[0], 0, values[1]]
