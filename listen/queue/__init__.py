"""The Redis queue: a render job in from a web process or `listen batch --queue`, rendered by `listen worker`.

Modules: client (enqueue, read status back), worker (take jobs and render them),
payload (the job's payload: its encoder and its decoder side by side).
"""
