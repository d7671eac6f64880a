//go:build js && wasm

// Command kube-validator is the Kubernetes API server's own validation, compiled to WebAssembly for Node:
// it registers globalThis.kubeValidator.validate(requestJSON) -> responseJSON and waits for calls.
package main

import (
	"encoding/json"
	"syscall/js"

	"k8s.io/kubernetes/pkg/util/parsers"
)

func main() {
	validator := NewValidator()
	api := js.Global().Get("Object").New()
	api.Set("validate", js.FuncOf(func(_ js.Value, args []js.Value) any {
		var req Request
		if err := json.Unmarshal([]byte(args[0].String()), &req); err != nil {
			return errorResponse(err)
		}
		outcomes, err := validator.ValidateBatch(req)
		if err != nil {
			return errorResponse(err)
		}
		out, err := json.Marshal(map[string]any{"outcomes": outcomes})
		if err != nil {
			return errorResponse(err)
		}
		return string(out)
	}))
	// imageReference answers what the kubelet answers for a container image (pkg/util/parsers.ParseImageName:
	// distribution's ParseNormalizedNamed): "" when it pulls it, else why it refuses it (InvalidImageName).
	api.Set("imageReference", js.FuncOf(func(_ js.Value, args []js.Value) any {
		if _, _, _, err := parsers.ParseImageName(args[0].String()); err != nil {
			return err.Error()
		}
		return ""
	}))
	// kinds lists the built-in kinds it validates, as "group/version/Kind" (the core group as "v1/Kind").
	api.Set("kinds", js.FuncOf(func(js.Value, []js.Value) any {
		out, _ := json.Marshal(builtInKinds())
		return string(out)
	}))
	js.Global().Set("kubeValidator", api)
	select {}
}

func errorResponse(err error) string {
	out, _ := json.Marshal(map[string]string{"error": err.Error()})
	return string(out)
}
