package main

import (
	"bytes"
	"cmp"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the repository's NOTICE from the module cache (TestNotice)")

// noticePlatforms are the targets NOTICE lists the linked modules of
// (the union: sonic and its helpers are linked on amd64 and arm64 only).
var noticePlatforms = []string{
	"linux/amd64", "linux/arm64", "linux/386", "linux/arm",
	"darwin/amd64", "darwin/arm64",
	"windows/amd64", "windows/arm64", "windows/386",
	"freebsd/amd64",
}

// linkedModule is a module the stmotion binary links, and its directory
// in the module cache.
type linkedModule struct {
	path, version, dir string
}

// linkedModules lists the modules of cmd/stmotion's packages (not the
// main module) built for goos/goarch ("" for this platform's).
func linkedModules(t *testing.T, goos, goarch string) []linkedModule {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command to list the linked modules: %v", err)
	}
	cmd := exec.Command(goTool, "list", "-deps", "-f", "{{with .Module}}{{if not .Main}}{{.Path}}\t{{.Version}}\t{{.Dir}}{{end}}{{end}}", ".")
	cmd.Env = os.Environ()
	if goos != "" {
		cmd.Env = append(cmd.Env, "GOOS="+goos, "GOARCH="+goarch)
	}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps (%s/%s): %v", goos, goarch, err)
	}
	var mods []linkedModule
	for line := range strings.Lines(string(out)) {
		f := strings.Split(strings.TrimSpace(line), "\t")
		if len(f) != 3 {
			continue
		}
		if f[2] == "" {
			t.Skipf("module %s has no directory (vendored, or not downloaded): its licence cannot be read", f[0])
		}
		mods = append(mods, linkedModule{f[0], f[1], f[2]})
	}
	slices.SortFunc(mods, func(a, b linkedModule) int { return cmp.Compare(a.path, b.path) })
	return slices.Compact(mods)
}

// licenceFiles are the names a module's licence goes by.
var licenceFiles = []string{"LICENSE", "LICENSE.txt", "LICENSE.md", "LICENCE", "COPYING"}

// licenceOf names the licences of the module in dir from its licence
// file, as SPDX identifiers in the order the file has them (the first is
// the module's own; more are those of code it bundles), and the other
// licence files it has.
func licenceOf(dir string) string {
	var text, name string
	for _, n := range licenceFiles {
		if b, err := os.ReadFile(filepath.Join(dir, n)); err == nil {
			text, name = string(b), n
			break
		}
	}
	if name == "" {
		return "no licence file"
	}
	type kind struct {
		id  string
		pos int
	}
	var kinds []kind
	find := func(id string, marks ...string) {
		pos := -1
		for _, m := range marks {
			if i := strings.Index(text, m); i >= 0 && (pos < 0 || i < pos) {
				pos = i
			}
		}
		if pos >= 0 {
			kinds = append(kinds, kind{id, pos})
		}
	}
	find("Apache-2.0", "Apache License\n", "Apache License, Version 2.0", "Apache License Version 2.0")
	find("MIT", "Permission is hereby granted, free of charge")
	bsd := "BSD-2-Clause"
	if strings.Contains(text, "Neither the name") || strings.Contains(text, "names of its contributors") || strings.Contains(text, "name of the copyright holder nor") {
		bsd = "BSD-3-Clause"
	}
	find(bsd, "Redistribution and use in source and binary forms")
	if len(kinds) == 0 {
		return "see " + name
	}
	slices.SortFunc(kinds, func(a, b kind) int { return cmp.Compare(a.pos, b.pos) })
	s := kinds[0].id
	if len(kinds) > 1 {
		var more []string
		for _, k := range kinds[1:] {
			more = append(more, k.id)
		}
		s += fmt.Sprintf(" (its %s also holds the licences of code it includes, among them %s)", name, strings.Join(more, ", "))
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if n := e.Name(); n != name && (strings.HasPrefix(strings.ToUpper(n), "LICENSE") || strings.ToLower(n) == "licenses") {
			if e.IsDir() {
				n += "/"
			}
			s += ", see also " + n
		}
	}
	return s
}

// noticeFile is a module's NOTICE file, "" for none.
func noticeFile(dir string) string {
	for _, n := range []string{"NOTICE", "NOTICE.txt", "NOTICE.md"} {
		if _, err := os.Stat(filepath.Join(dir, n)); err == nil {
			return n
		}
	}
	return ""
}

// noticeLine is a module's line in NOTICE's list.
func noticeLine(m linkedModule) string {
	return fmt.Sprintf("  %s %s: %s\n", m.path, m.version, licenceOf(m.dir))
}

// noticeBlock is a module's NOTICE file in NOTICE, its text verbatim;
// "" for a module without one.
func noticeBlock(t *testing.T, m linkedModule) string {
	t.Helper()
	n := noticeFile(m.dir)
	if n == "" {
		return ""
	}
	text, err := os.ReadFile(filepath.Join(m.dir, n))
	if err != nil {
		t.Fatal(err)
	}
	rule := strings.Repeat("=", 78) + "\n"
	return rule + fmt.Sprintf("%s %s, %s:\n", m.path, m.version, n) + rule + "\n" + strings.TrimRight(string(text), "\n") + "\n\n"
}

const noticeHead = `stmotion
https://github.com/stmotion/stmotion (Apache License 2.0: LICENSE)

The stmotion binary (cmd/stmotion) is built with the Go toolchain and links
the Go modules listed below, each under its own licence (SPDX identifiers;
the full texts are in each module: 'go mod download -json MODULE@VERSION'
prints its directory). Some are linked on some platforms only (sonic and
its helpers, procfs): the list is the union for
%s.
The Go standard library and runtime are under the BSD-3-Clause licence
of the Go project (https://go.dev/LICENSE).

After the list, the NOTICE files of the modules that have one, verbatim,
as section 4(d) of the Apache License 2.0 requires of a redistribution.

This file is generated: go test ./cmd/stmotion -run TestNotice -update

Modules:
`

// TestNotice: NOTICE at the root of the repository lists every module
// the binary links on this platform, at its version, with its licence,
// and carries the NOTICE file of each that has one (arrow-go, thrift,
// grpc, prometheus), verbatim. A redistributed binary had none of them.
// When the dependencies change, -update rewrites it.
func TestNotice(t *testing.T) {
	path := filepath.Join("..", "..", "NOTICE")
	if *update {
		var all []linkedModule
		for _, p := range noticePlatforms {
			goos, goarch, _ := strings.Cut(p, "/")
			all = append(all, linkedModules(t, goos, goarch)...)
		}
		slices.SortFunc(all, func(a, b linkedModule) int { return cmp.Compare(a.path, b.path) })
		all = slices.Compact(all)
		var b bytes.Buffer
		var targets []string // 5 a line
		for c := range slices.Chunk(noticePlatforms, 5) {
			targets = append(targets, strings.Join(c, ", "))
		}
		fmt.Fprintf(&b, noticeHead, strings.Join(targets, ",\n"))
		for _, m := range all {
			b.WriteString(noticeLine(m))
		}
		b.WriteString("\n")
		for _, m := range all {
			b.WriteString(noticeBlock(t, m))
		}
		if err := os.WriteFile(path, append(bytes.TrimRight(b.Bytes(), "\n"), '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	notice := string(raw)
	blocks := 0
	for _, m := range linkedModules(t, "", "") {
		if l := noticeLine(m); !strings.Contains(notice, l) {
			t.Errorf("NOTICE lacks the line\n%s(run go test ./cmd/stmotion -run TestNotice -update)", l)
		}
		if b := noticeBlock(t, m); b != "" {
			blocks++
			if !strings.Contains(notice, strings.TrimRight(b, "\n")) {
				t.Errorf("NOTICE lacks %s's %s, verbatim (run go test ./cmd/stmotion -run TestNotice -update)", m.path, noticeFile(m.dir))
			}
		}
	}
	if blocks == 0 {
		t.Error("no linked module has a NOTICE file: arrow-go has one")
	}
}
