"""The live channel: open resident pages learn of changes over Server-Sent Events (docs/live-status.md).

``wakeups`` is what every process uses to announce a change; ``hub`` and ``stream`` are the
asynchronous stream server, which ``front`` serves beside the Flask pages on one port.
"""
