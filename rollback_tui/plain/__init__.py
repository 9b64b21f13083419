"""Plain mode: the wizard as questions and the checklist as commands, one line at a time,
for screen readers, braille displays, serial consoles, `TERM=dumb` and pipes.

No Textual and no escape sequence: lines of printable text read from standard input and
written to standard output, each fact once, in reading order. It drives what the
full-screen app drives: the run session (run/session.py) for the checklist, the Basics
choices (plan/choices.py) and the wizard's save (run/saving.py) for the wizard.

detect.py says when it is on; start.py opens it; lines.py reads and writes the lines;
ending.py ends it cleanly on a hang-up or SIGTERM; run_commands.py and checklist_lines.py
are the checklist; wizard_questions.py, wizard_steps.py and wizard_rows.py the wizard.
"""
