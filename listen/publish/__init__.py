"""Publishing: finished renditions out to the world beyond the player.

Modules: podcast (an RSS podcast feed of renditions), webhooks (signed notices when an
article is ready or failed), stats (listening statistics), sources (records of where an
article came from, so one address follows every version of it).
"""
