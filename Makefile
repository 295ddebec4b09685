# The two commands of README.md: `make run` sets up and starts the app; `make test` sets up and runs every test.
# `make check` is the edit loop: lint, format and the tests not marked slow. `make rules` rewrites docs/rules.md.
.PHONY: run demo test check lint types rules bench screenshots setup bundle bundle-smoke

# every core; the tests of one xdist_group (the wall-clock kill loops) run one after another in one worker
PARALLEL = -n auto --dist loadgroup

setup:
	./scripts/bootstrap.sh

run: setup
	.venv/bin/xueji-desktop

demo: setup
	.venv/bin/xueji-desktop --demo

test: lint types
	QT_QPA_PLATFORM=offscreen .venv/bin/pytest -q $(PARALLEL)

check: lint
	QT_QPA_PLATFORM=offscreen .venv/bin/pytest -q $(PARALLEL) -m "not slow"

lint: setup
	.venv/bin/ruff check xueji_desktop tests benchmarks installer scripts
	.venv/bin/ruff format --check xueji_desktop tests benchmarks installer scripts

# rules/ and services/ ([tool.mypy] in pyproject.toml)
types: setup
	.venv/bin/mypy

rules: setup
	.venv/bin/python scripts/rules_matrix.py

bench: setup
	QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/roster_startup.py

screenshots: setup
	.venv/bin/python scripts/screenshots.py docs/screenshots

# The installed app (installer/README.md): PyInstaller's one-folder bundle for this platform, in dist/xueji/.
bundle: setup
	@.venv/bin/python -c "import PyInstaller" 2>/dev/null || .venv/bin/python -m pip install -q -e ".[dev,build]"
	.venv/bin/python installer/build.py

# CI: build the bundle, run its --self-test offscreen (and time its start-up), compile the NSIS installer over it.
bundle-smoke: setup
	@.venv/bin/python -c "import PyInstaller" 2>/dev/null || .venv/bin/python -m pip install -q -e ".[dev,build]"
	@command -v makensis >/dev/null 2>&1 || { s=""; [ "$$(id -u)" -ne 0 ] && s=sudo; \
	  echo "安装 NSIS（makensis）"; $$s apt-get update -qq || true; \
	  DEBIAN_FRONTEND=noninteractive $$s apt-get install -y -qq --no-install-recommends nsis; }
	QT_QPA_PLATFORM=offscreen .venv/bin/python installer/build.py --smoke --nsis
