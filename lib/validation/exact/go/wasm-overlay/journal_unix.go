// Replaces github.com/coreos/go-systemd/v22/journal/journal_unix.go in the WebAssembly build (go build -overlay):
// there is no journald socket, and the original does not compile for GOOS=js. Reached only through the etcd
// client the registry's storage factory imports; the validator never logs to the journal.
package journal

import "errors"

// Enabled reports that the journal is not available.
func Enabled() bool { return false }

// Send fails: there is no journal.
func Send(string, Priority, map[string]string) error {
	return errors.New("no systemd journal in WebAssembly")
}

// StderrIsJournalStream reports false.
func StderrIsJournalStream() (bool, error) { return false, nil }

// StdoutIsJournalStream reports false.
func StdoutIsJournalStream() (bool, error) { return false, nil }
