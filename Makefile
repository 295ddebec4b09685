# The two commands of README.md: `make run` sets up and starts the app; `make test` sets up and runs every test.
.PHONY: run demo test lint bench screenshots setup

setup:
	./scripts/bootstrap.sh

run: setup
	.venv/bin/xueji-desktop

demo: setup
	.venv/bin/xueji-desktop --demo

test: setup
	QT_QPA_PLATFORM=offscreen .venv/bin/ruff check xueji_desktop tests benchmarks
	QT_QPA_PLATFORM=offscreen .venv/bin/pytest -q

bench: setup
	QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/roster_startup.py

screenshots: setup
	.venv/bin/python scripts/screenshots.py docs/screenshots
