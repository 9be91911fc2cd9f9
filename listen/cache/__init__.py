"""The cache: content-addressed chunk audio, pieces and renditions on disk, written atomically, checked on read.

Modules: store (the Cache and its keys).
"""
