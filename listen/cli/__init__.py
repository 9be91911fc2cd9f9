"""The `listen` command: argv in, files and an exit status out; ListenError becomes a one-line message in main.

Modules: main (the entry point, `listen.cli.main:main`), parser (flags and sub-commands),
speak (speak, script), batch, operate (serve, worker, voices, cache, lexicon, feed),
output (the MP3, timings and captions written atomically), progress (what the terminal
shows as a command goes), naming (batch output names).
"""
