# zerowaste-kit: `make demo` runs the end-to-end job, `make test` runs the test suite.
# Both create .venv and install the kit with every extra on first use.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEMO_OUT ?= out/demo

.PHONY: install sysdeps demo test lint clean bench

install: $(STAMP)

# mmengine and mmcv-lite declare `opencv-python`, whose cv2 overwrites the headless 4.x one
# (OpenCV 5 wheels have no EXR, which BlenderProc needs). Their real dependencies are listed in
# the `train` extra, so they are installed with --no-deps: exactly one cv2 distribution remains.
$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -e '.[all]'
	$(PY) -m pip install --disable-pip-version-check -q --no-deps mmengine==0.10.7 mmcv-lite==2.1.0
	$(PY) -m zerowaste.compat.check_install
	touch $(STAMP)

# System packages the tests and the demo use: PostgreSQL (server tests), Chromium + ChromeDriver
# (page tests) and the X/GL libraries the pip `bpy` wheel links against. Installed only when missing.
SYSPKGS := postgresql chromium chromium-driver libxrender1 libxxf86vm1 libxfixes3 libxi6 libxkbcommon0 libsm6 libgl1 zip
sysdeps:
	@missing=$$(for p in $(SYSPKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing system packages:" $$missing; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "missing system packages (install them with apt-get as root):" $$missing; exit 1; fi; \
	fi

demo: $(STAMP) sysdeps
	$(VENV)/bin/zerowaste demo --out $(DEMO_OUT)

test: $(STAMP) sysdeps
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q -ra

lint: $(STAMP)
	$(VENV)/bin/ruff check .

bench: $(STAMP)
	for b in data_pipeline score synth train_step server_load; do $(PY) bench/$$b.py || exit 1; done

clean:
	rm -rf $(VENV) out build *.egg-info
