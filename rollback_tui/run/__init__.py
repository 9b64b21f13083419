"""A run of a plan without a screen: the session that every front end drives (the
checklist screen, and the command line's and plain mode's runs to come): session.py, what
it tells (events.py), who holds the plan (holder.py), a save's outcome (saving.py) and
drills (drill.py). Importing this package loads none of them: the wizard's saves use
saving.py alone, before its first frame."""
