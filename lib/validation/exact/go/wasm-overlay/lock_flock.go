// Replaces go.etcd.io/etcd/client/pkg/v3/fileutil/lock_flock.go in the WebAssembly build (go build -overlay):
// GOOS=js has no flock. Reached only through the etcd client the registry's storage factory imports; the
// validator never opens etcd's files.
package fileutil

import (
	"errors"
	"os"
)

var errNoFileLocks = errors.New("no file locks in WebAssembly")

func flockTryLockFile(string, int, os.FileMode) (*LockedFile, error) { return nil, errNoFileLocks }

func flockLockFile(string, int, os.FileMode) (*LockedFile, error) { return nil, errNoFileLocks }
