"""Piper: neural speech (VITS models run by onnxruntime on the CPU), the default where it has a voice.

In: a voice (the bundled `en_US-joe-medium`, one in the folder LISTEN_PIPER_VOICES names, or
a path to an .onnx model with its .onnx.json) and a chunk of text. Out: int16 samples and the
time of each word. Nothing downloads.

Modules: voices (finding the voices' files, checking them, their digests), patched_model
(listen's copy of a voice model: alignment output, fixed noise, 2-D decoder, saved optimised),
word_timings (phoneme alignments to word times), engine (PiperEngine, pace, loading).
"""
