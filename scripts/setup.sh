#!/usr/bin/env bash
# Idempotent set-up on Debian bookworm as root: the system tools the tests use as oracles, and a venv with the
# Python dependencies. Safe to run again; it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  gdb binutils gcc g++ make
  lldb-19 python3-lldb-19 liblldb-19-dev lld-19 llvm-19 clang-19 libunwind-19
  wabt valgrind wasi-libc libclang-rt-19-dev-wasm32 binaryen
  # wasm32-wasi libc++ and libc++abi: the C++ programs the debugging tests build (<typeinfo>, <vector> ...)
  libc++-19-dev-wasm32 libc++abi-19-dev-wasm32
  # Debian's rustc 1.63 and its wasm32-wasi standard library (with DWARF), linked by wasm-ld-14: the Rust
  # programs with DWARF the debugging tests build (tests/rust_wasm.py)
  rustc libstd-rust-dev-wasm32 lld-14
  wine gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 binutils-mingw-w64-x86-64
  python3-venv python3-dev
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The venv is built on the system Python 3.11: gdb and lldb embed that interpreter, so the plugins can add the
# venv's site-packages (same ABI) when they need a compiled dependency.
VENV=.venv
if [ ! -x "$VENV/bin/python" ]; then
  /usr/bin/python3.11 -m venv "$VENV"
fi
# Dependencies are installed from pyproject.toml; the project itself is put on the venv's path with a .pth file and
# its native shim built in place (an editable pip install would walk the whole tree, Wine prefix included, each time).
stamp="$VENV/.deps-$(cat pyproject.toml setup.py $(find emitter -name '*.[ch]' | sort) 2>/dev/null | sha1sum | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  deps=$("$VENV/bin/python" - <<'PY'
import tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
print("\n".join(project["dependencies"] + project["optional-dependencies"]["dev"] + ["setuptools>=68"]))
PY
)
  mapfile -t deps <<<"$deps"
  "$VENV/bin/python" -m pip install -q --upgrade pip 2>/dev/null
  "$VENV/bin/python" -m pip install -q "${deps[@]}" 2> >(grep -v "is ignored: it is neither" >&2)
  site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  rm -f "$site"/__editable__*jitdebug* "$site"/jitdebug-dev.pth
  pwd > "$site/jitdebug-dev.pth"
  "$VENV/bin/python" setup.py -q build_ext --inplace >/dev/null
  # The console script of pyproject.toml, for this checkout.
  printf '#!%s\nimport sys\nfrom emitter.cli import main\nsys.exit(main())\n' "$PWD/$VENV/bin/python" > "$VENV/bin/jitdebug"
  chmod +x "$VENV/bin/jitdebug"
  rm -f "$VENV"/.deps-*
  touch "$stamp"
fi
# Byte-compile the project and the plugins (which gdb's and lldb's Python 3.11 import), as pip does for an installed
# package: a process run with PYTHONDONTWRITEBYTECODE set would otherwise compile every module from source at each
# start (0.1 s of a cold `jitdebug run`); only what changed since is compiled again.
"$VENV/bin/python" -m compileall -q emitter gdbplugin lldbplugin >/dev/null
