from rollback_tui.launch import commands

commands()
