// Command cosignature-check signs and verifies C2SP tlog-cosignature (cosignature/v1) lines with
// github.com/transparency-dev/formats/note and golang.org/x/mod/sumdb/note: an implementation
// independent of libs/auditlog, for its specs. Input on stdin, JSON:
//
//	{"op": "verify", "vkey": "...", "note": "<signed note>"}  -> {"ok": true, "time": <unix seconds>}
//	{"op": "sign", "skey": "...", "note": "<signed note>"}    -> {"note": "<note plus a cosignature>", "keyHash": "<hex>"}
package main

import (
	"encoding/json"
	"fmt"
	"os"

	fnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"
)

type request struct {
	Op   string `json:"op"`
	VKey string `json:"vkey"`
	SKey string `json:"skey"`
	Note string `json:"note"`
}

func main() {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fail(err)
	}
	out := map[string]any{}
	switch req.Op {
	case "verify":
		v, err := fnote.NewVerifierForCosignatureV1(req.VKey)
		if err != nil {
			fail(err)
		}
		n, err := note.Open([]byte(req.Note), note.VerifierList(v))
		if err != nil {
			out["ok"] = false
			out["error"] = err.Error()
			break
		}
		t, err := fnote.CoSigV1Timestamp(n.Sigs[0])
		if err != nil {
			fail(err)
		}
		out["ok"] = true
		out["time"] = t.Unix()
	case "sign":
		s, err := fnote.NewSignerForCosignatureV1(req.SKey)
		if err != nil {
			fail(err)
		}
		// Keep the note's own signatures (unverified here) and add the cosignature.
		n, err := note.Open([]byte(req.Note), note.VerifierList())
		var unverified *note.UnverifiedNoteError
		if err != nil && !asUnverified(err, &unverified) {
			fail(err)
		}
		if unverified != nil {
			n = unverified.Note
		}
		signed, err := note.Sign(n, s)
		if err != nil {
			fail(err)
		}
		out["note"] = string(signed)
		out["keyHash"] = fmt.Sprintf("%08x", s.KeyHash())
	default:
		fail(fmt.Errorf("unknown op %q", req.Op))
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fail(err)
	}
}

func asUnverified(err error, target **note.UnverifiedNoteError) bool {
	u, ok := err.(*note.UnverifiedNoteError)
	if ok {
		*target = u
	}
	return ok
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "cosignature-check:", err)
	os.Exit(1)
}
