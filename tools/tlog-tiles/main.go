// Command tlog-tiles computes, with golang.org/x/mod/sumdb/tlog, the hash tiles (height 8, the
// C2SP tlog-tiles layout) and the RFC 6962 root of a log of entries: an implementation independent
// of libs/auditlog, for its specs. Input on stdin: a JSON array of base64 entries. Output: JSON
// {"root": base64, "tiles": {"tile/<level>/<index>[.p/<width>]": base64}}.
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

// hashStorage holds every stored hash at its tlog.StoredHashIndex.
type hashStorage []tlog.Hash

func (s hashStorage) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(s)) {
			return nil, fmt.Errorf("no stored hash %d", x)
		}
		out[i] = s[x]
	}
	return out, nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "tlog-tiles:", err)
		os.Exit(1)
	}
}

func run() error {
	var entries []string
	if err := json.NewDecoder(os.Stdin).Decode(&entries); err != nil {
		return fmt.Errorf("reading entries: %w", err)
	}
	var stored hashStorage
	for i, text := range entries {
		data, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			return fmt.Errorf("entry %d: %w", i, err)
		}
		hashes, err := tlog.StoredHashes(int64(i), data, stored)
		if err != nil {
			return fmt.Errorf("entry %d: %w", i, err)
		}
		stored = append(stored, hashes...)
	}
	size := int64(len(entries))
	root, err := tlog.TreeHash(size, stored)
	if err != nil {
		return fmt.Errorf("tree hash: %w", err)
	}
	tiles := map[string]string{}
	for _, tile := range tlog.NewTiles(8, 0, size) {
		data, err := tlog.ReadTileData(tile, stored)
		if err != nil {
			return fmt.Errorf("tile %s: %w", tile.Path(), err)
		}
		// sumdb names tiles tile/<height>/<level>/...; tlog-tiles fixes the height at 8 and drops it.
		path := strings.Replace(tile.Path(), "tile/8/", "tile/", 1)
		tiles[path] = base64.StdEncoding.EncodeToString(data)
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"root":  base64.StdEncoding.EncodeToString(root[:]),
		"tiles": tiles,
	})
}
