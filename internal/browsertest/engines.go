package browsertest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Probe is injected before any page script: it records CSP violations, uncaught errors and
// every request the page makes, so tests can assert the page ran cleanly.
const Probe = `(function(){
  if (window.__probe) return;
  var p = window.__probe = {csp: [], errors: [], requests: []};
  document.addEventListener("securitypolicyviolation", function(e){ p.csp.push(e.violatedDirective + " " + e.blockedURI); });
  window.addEventListener("error", function(e){ p.errors.push(String(e.message)); });
  window.addEventListener("unhandledrejection", function(e){ p.errors.push(String(e.reason)); });
})();`

// ProbeScriptHandler serves Probe as /probe.js, for pages that want their errors seen in an
// engine that cannot inject it (WebKit): <script src="/probe.js"></script> first in <head>.
func ProbeScriptHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprint(w, Probe)
	})
}

// wrapEval makes expr into an async function body's value serialized as JSON, so that every
// engine returns a plain string: "null" for undefined.
func wrapEval(expr string) string {
	return `(async () => { const v = await (` + expr + `); return v === undefined ? "null" : JSON.stringify(v); })()`
}

// decode reads the JSON string an evaluation of wrapEval returned into out.
func decode(raw string, out any) error {
	if out == nil {
		return nil
	}
	return json.Unmarshal([]byte(raw), out)
}

// truthy reports whether a JSON value is truthy in JS.
func truthy(raw string) bool {
	return !slices.Contains([]string{"", "null", "false", "0", `""`}, strings.TrimSpace(raw))
}

// poll is Poll over any Eval.
func poll(eval func(string, any) error, expr string, out any, timeout time.Duration) error {
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	deadline := time.Now().Add(timeout)
	var last string
	var err error
	for {
		var raw json.RawMessage
		if err = eval(`(() => { try { return (`+expr+`) } catch (e) { return null } })()`, &raw); err == nil {
			last = string(raw)
			if truthy(last) {
				return decode(last, out)
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("waiting %v for %s: last value %s, error %v", timeout, expr, last, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// keyValue is the WebDriver key code of a key name.
func keyValue(k string) (string, error) {
	switch k {
	case "Shift":
		return "\uE008", nil
	case "Tab":
		return "\uE004", nil
	case "Enter":
		return "\uE007", nil
	case "Space":
		return " ", nil
	}
	if len([]rune(k)) == 1 {
		return k, nil
	}
	return "", errors.New("unknown key " + k)
}

// probeErrors reads the probe's errors from the page.
func probeErrors(eval func(string, any) error) []string {
	var errs []string
	_ = eval(`(window.__probe && window.__probe.errors) || []`, &errs)
	return errs
}

// merge adds the strings of b missing from a.
func merge(a, b []string) []string {
	for _, s := range b {
		if !slices.Contains(a, s) {
			a = append(a, s)
		}
	}
	return a
}
