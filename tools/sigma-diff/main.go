// sigma-diff evaluates Sigma rules with bradleyjkemp/sigma-go, an independent evaluator, so that
// libs/detect can be checked against it (libs/detect/src/sigma-differential.spec.ts).
//
// Input on stdin: {"rules":[{"key":"...","yaml":"..."}],"cases":[{"rule":"key","event":{...}}]}
// Output on stdout: {"ruleErrors":{"key":"..."},"results":[{"match":true,"error":""}]} with one
// result per case, in order. Events are flat maps of Sigma field names to values.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/bradleyjkemp/sigma-go"
	"github.com/bradleyjkemp/sigma-go/evaluator"
)

type input struct {
	Rules []struct {
		Key  string `json:"key"`
		YAML string `json:"yaml"`
	} `json:"rules"`
	Cases []struct {
		Rule  string                 `json:"rule"`
		Event map[string]interface{} `json:"event"`
	} `json:"cases"`
}

type result struct {
	Match bool   `json:"match"`
	Error string `json:"error,omitempty"`
}

type output struct {
	RuleErrors map[string]string `json:"ruleErrors"`
	Results    []result          `json:"results"`
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fmt.Fprintln(os.Stderr, "sigma-diff: reading input:", err)
		os.Exit(2)
	}
	out := output{RuleErrors: map[string]string{}, Results: make([]result, 0, len(in.Cases))}
	evaluators := map[string]*evaluator.RuleEvaluator{}
	for _, r := range in.Rules {
		rule, err := sigma.ParseRule([]byte(r.YAML))
		if err != nil {
			out.RuleErrors[r.Key] = err.Error()
			continue
		}
		evaluators[r.Key] = evaluator.ForRule(rule)
	}
	ctx := context.Background()
	for _, c := range in.Cases {
		ev, ok := evaluators[c.Rule]
		if !ok {
			out.Results = append(out.Results, result{Error: "rule not loaded"})
			continue
		}
		res, err := ev.Matches(ctx, c.Event)
		if err != nil {
			out.Results = append(out.Results, result{Error: err.Error()})
			continue
		}
		out.Results = append(out.Results, result{Match: res.Match})
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "sigma-diff: writing output:", err)
		os.Exit(2)
	}
}
