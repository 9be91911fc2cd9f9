"""The cache: content-addressed chunk audio, pieces and renditions on disk, written atomically, checked on read.

Modules: store (the Cache: keys, paths, atomic writes, pieces, renditions, aliases,
pruning; no audio code), chunks (chunk audio as FLAC entries, read and written in engine
workers only).
"""
