"""Piper: neural speech (VITS models run by onnxruntime on the CPU), the default where it has a voice.

In: a voice (the bundled `en_US-joe-medium`, one installed in the voices folder, or a path to
an .onnx model with its .onnx.json) and a chunk of text. Out: int16 samples and the time of
each word. Nothing downloads, but when an operator runs `listen voices install`.

Modules: voices (finding the voices' files, checking them, their digests, the default voice
of a language), catalogue (the voice catalogue: list, install checked and whole, remove),
downloads (the catalogue's files, fetched and checked),
model_card (a voice's licence and gender), patched_model
(listen's copy of a voice model: alignment output, fixed noise, 2-D decoder, saved optimised),
word_timings (phoneme alignments to word times), engine (PiperEngine, pace, loading).
"""
