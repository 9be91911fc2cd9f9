"""Rendering: an Article in, a Rendition (one MP3, its timings JSON and WebVTT captions) out.

Modules: plan (the script's pieces and every cache key, worked out without rendering),
renderer (the Renderer: render the missing pieces on the engine workers, stitch, stream),
pieces (a piece's chunk audio and MP3, made in engine worker processes), workers (the
engine worker pool), timings (the timings JSON from the pieces' real sample offsets, and
the MP3's chapters), captions (timings JSON to WebVTT), jingles (the opening and closing
branding audio's keys, made by the workers like pieces). The process that plans and
stitches never loads numpy or onnxruntime: that work happens in the workers.
"""
