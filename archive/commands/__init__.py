"""The command line's command groups beyond the core ones in archive/cli.py: one module per
feature (its click commands), each registered in cli.py with one `cli.add_command(...)`
line. May import every part of the package except the page (archive.app)."""
