from rollback_tui.cli import main

main()
