package account

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"qinggong/internal/web"
)

// dynamicActions are the actions recorded as a literal prefix plus a
// value the test cannot follow to its literals, with every value it takes.
var dynamicActions = map[string][]string{}

// TestEveryActionNamed reads every audit.Entry the code (internal/ and
// cmd/, tests aside) writes and checks that its action has a name in both
// languages: a literal, a prefix listed in dynamicActions, or a variable
// whose values are literals assigned in the same function or passed by
// its callers.
func TestEveryActionNamed(t *testing.T) {
	fset := token.NewFileSet()
	var files []*ast.File
	for _, root := range []string{"..", "../../cmd"} {
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.HasSuffix(path, "_templ.go") {
				return nil
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
			return nil
		})
	}
	actions := map[string]string{} // action → where
	for _, f := range files {
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				lit, ok := n.(*ast.CompositeLit)
				if !ok || !isAuditEntry(lit.Type) {
					return true
				}
				for _, el := range lit.Elts {
					kv, ok := el.(*ast.KeyValueExpr)
					if !ok || ident(kv.Key) != "Action" {
						continue
					}
					at := fset.Position(kv.Pos()).String()
					vals, err := actionValues(kv.Value, fn, files)
					if err != "" {
						t.Errorf("%s: %s", at, err)
					}
					for _, v := range vals {
						actions[v] = at
					}
				}
				return true
			})
		}
	}
	if len(actions) < 40 {
		t.Fatalf("found only %d actions: %v", len(actions), actions)
	}
	for _, lang := range web.Languages {
		for a, at := range actions {
			if _, ok := web.Catalog(lang)[actionPrefix+a]; !ok {
				t.Errorf("%s records %q, which has no %s name: add %s%s to the module's catalog file", at, a, lang, actionPrefix, a)
			}
		}
	}
}

func isAuditEntry(e ast.Expr) bool {
	s, ok := e.(*ast.SelectorExpr)
	return ok && s.Sel.Name == "Entry" && ident(s.X) == "audit"
}

func ident(e ast.Expr) string {
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

func stringLit(e ast.Expr) (string, bool) {
	b, ok := e.(*ast.BasicLit)
	if !ok || b.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(b.Value)
	return s, err == nil
}

// actionValues is every value an Action expression can take.
func actionValues(e ast.Expr, fn *ast.FuncDecl, files []*ast.File) ([]string, string) {
	if s, ok := stringLit(e); ok {
		return []string{s}, ""
	}
	if b, ok := e.(*ast.BinaryExpr); ok && b.Op == token.ADD {
		prefix, ok := stringLit(b.X)
		if !ok {
			return nil, "an action the test cannot follow"
		}
		suffixes, known := dynamicActions[prefix]
		if !known {
			var err string
			if suffixes, err = actionValues(b.Y, fn, files); err != "" {
				return nil, "an action built from " + prefix + " and a value the test cannot follow: list it in dynamicActions"
			}
		}
		var out []string
		for _, s := range suffixes {
			out = append(out, prefix+s)
		}
		return out, ""
	}
	name := ident(e)
	if name == "" {
		return nil, "an action the test cannot follow"
	}
	var out []string
	// Literals assigned to the variable in the function.
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		if as, ok := n.(*ast.AssignStmt); ok {
			for i, l := range as.Lhs {
				if ident(l) == name && i < len(as.Rhs) {
					if s, ok := stringLit(as.Rhs[i]); ok {
						out = append(out, s)
					}
				}
			}
		}
		return true
	})
	// Or a parameter: the literals its callers pass.
	idx := -1
	n := 0
	for _, f := range fn.Type.Params.List {
		for _, nm := range f.Names {
			if nm.Name == name {
				idx = n
			}
			n++
		}
	}
	if idx >= 0 {
		for _, f := range files {
			ast.Inspect(f, func(nd ast.Node) bool {
				call, ok := nd.(*ast.CallExpr)
				if !ok || len(call.Args) <= idx {
					return true
				}
				callee := ident(call.Fun)
				if s, ok := call.Fun.(*ast.SelectorExpr); ok {
					callee = s.Sel.Name
				}
				if callee == fn.Name.Name {
					if s, ok := stringLit(call.Args[idx]); ok {
						out = append(out, s)
					} else if s, ok := constValue(ident(call.Args[idx]), files); ok {
						out = append(out, s)
					}
				}
				return true
			})
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) == 0 {
		return nil, "the action variable " + name + " takes no literal the test can find"
	}
	return out, ""
}

// constValue is the value of a string constant declared at package level.
func constValue(name string, files []*ast.File) (string, bool) {
	if name == "" {
		return "", false
	}
	for _, f := range files {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, sp := range g.Specs {
				vs := sp.(*ast.ValueSpec)
				for i, nm := range vs.Names {
					if nm.Name == name && i < len(vs.Values) {
						return stringLit(vs.Values[i])
					}
				}
			}
		}
	}
	return "", false
}
