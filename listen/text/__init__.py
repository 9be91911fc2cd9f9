"""The text side: an Article in, a Script out (what the engine will be given, sentence by sentence).

Modules: language (which language), segment (sentences), lexicon (publisher pronunciation
rules), normalize and numbers (what a newsreader would say), passes (which rewrites each
language gets), phones, textmap (offsets
between what is written and what is said), script (the Script model and its building).
Nothing here imports audio, engines or numpy.
"""
