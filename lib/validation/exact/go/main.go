//go:build js && wasm

// Command kube-validator is the Kubernetes API server's own validation, compiled to WebAssembly for Node:
// it registers globalThis.kubeValidator.validate(requestJSON) -> responseJSON and waits for calls.
package main

import (
	"encoding/json"
	"syscall/js"
	"time"
)

func main() {
	js.Global().Set("kubeValidatorMain", js.ValueOf(float64(time.Now().UnixMilli())))
	validator := NewValidator()
	js.Global().Set("kubeValidatorReady", js.ValueOf(float64(time.Now().UnixMilli())))
	js.Global().Set("kubeValidatorTrace", js.FuncOf(func(js.Value, []js.Value) any {
		out, _ := json.Marshal(traceTimes)
		return string(out)
	}))
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
	js.Global().Set("kubeValidator", api)
	select {}
}

func errorResponse(err error) string {
	out, _ := json.Marshal(map[string]string{"error": err.Error()})
	return string(out)
}
