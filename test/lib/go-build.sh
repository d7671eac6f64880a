# shellcheck shell=bash
# Building the test clusters' Go programs into a cache (test/control-plane, test/node): each cache
# directory is named by what its binaries are built from, so a changed pin builds anew and an
# unchanged one is reused. Source it; needs scripts/lib/common.sh first.

# Where built binaries and images are kept between runs (read by the scripts that source this file).
# shellcheck disable=SC2034
GO_BUILD_CACHE_ROOT=${TODO_CONTROL_PLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-fastapi-nextjs}

# go_build_key FILE...: a checksum that changes whenever any of the files changes.
go_build_key() { cat "$@" | cksum | cut -d' ' -f1; }

# go_build_module_version GO_MOD MODULE: the version GO_MOD requires of MODULE, read without the go tool
# so a filled cache is usable on a machine without Go.
go_build_module_version() {
  sed -n "s#^[[:space:]]*$2 \(v[^ ]*\).*#\1#p" "$1" | head -n 1
}

# go_build_k8s_ldflags VERSION: the link flags that stamp a Kubernetes binary with its release version.
go_build_k8s_ldflags() {
  local version=$1 minor flags="-s -w" pkg
  minor=$(printf '%s' "$version" | cut -d. -f2)
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags="$flags -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    flags="$flags -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  printf '%s\n' "$flags"
}

# go_build MODULE_DIR OUT PACKAGE [GO BUILD FLAGS...]: a static binary of PACKAGE, resolved through the
# module in MODULE_DIR (its go.mod and go.sum pin every dependency).
go_build() {
  local module=$1 out=$2 package=$3
  shift 3
  (cd "$module" && CGO_ENABLED=0 go build -trimpath "$@" -o "$out" "$package") >&2
}

# go_build_publish TMP DIR: move the freshly built files of TMP into the cache directory DIR.
go_build_publish() {
  if [[ -d "$2" ]]; then
    mv "$1"/* "$2"/
    rmdir "$1"
  else
    mv "$1" "$2"
  fi
}
