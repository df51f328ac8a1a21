package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// placeholderBootstrap stands in for a function binary when synthesizing
// without `make build`. It fails loudly if it is ever deployed and invoked.
const placeholderBootstrap = "#!/bin/sh\necho 'placeholder bootstrap: run make build before deploying' >&2\nexit 1\n"

// functionDirs returns, for every function name, the folder to package as its
// code: <FunctionsDir>/<name> when it holds a bootstrap, else (only with
// placeholders allowed) a folder made under PlaceholderDir. The second result
// lists the functions given a placeholder.
func functionDirs(cfg Config, names []string) (map[string]string, []string, error) {
	dirs := map[string]string{}
	var placeheld, missing []string
	var errs []error
	for _, name := range names {
		dir := filepath.Join(cfg.FunctionsDir, name)
		if st, err := os.Stat(filepath.Join(dir, "bootstrap")); err == nil && st.Mode().IsRegular() {
			dirs[name] = dir
			continue
		}
		if cfg.PlaceholderDir == "" {
			missing = append(missing, name)
			continue
		}
		pdir := filepath.Join(cfg.PlaceholderDir, name)
		if err := os.MkdirAll(pdir, 0o755); err != nil {
			errs = append(errs, err)
			continue
		}
		if err := os.WriteFile(filepath.Join(pdir, "bootstrap"), []byte(placeholderBootstrap), 0o755); err != nil {
			errs = append(errs, err)
			continue
		}
		dirs[name] = pdir
		placeheld = append(placeheld, name)
	}
	if len(missing) > 0 {
		errs = append(errs, fmt.Errorf("no %s for: %s; run `make build` first, or synthesize with "+
			"-c placeholderFunctions=true (or %s=1) for a template without function code",
			filepath.Join(cfg.FunctionsDir, "<name>", "bootstrap"), strings.Join(missing, ", "), PlaceholderEnv))
	}
	return dirs, placeheld, errors.Join(errs...)
}
