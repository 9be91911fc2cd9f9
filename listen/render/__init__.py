"""Rendering: a Script in, a Rendition (one MP3, its timings JSON and WebVTT captions) out.

Modules: renderer (the Renderer: plan an article into pieces, render the missing ones,
stitch), pieces (a piece's chunk audio and MP3, made in engine worker processes), workers
(the engine worker pool), captions (timings JSON to WebVTT). The process that plans and
stitches never loads numpy or onnxruntime: that work happens in the workers.
"""
