package sheet

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"strings"
)

const (
	// maxCentralDir bounds the bytes archive/zip may read while listing
	// the archive. It reads every directory header it finds whatever the
	// declared count, so a 50 MB file of tiny headers would otherwise cost
	// over a million *zip.File. A real workbook's directory is a few KB.
	maxCentralDir = 4 << 20
	// ratioGrace: parts smaller than this are not held to MaxRatio; small
	// XML parts compress well and cannot hurt.
	ratioGrace = 1 << 20
)

var errDirTooLarge = errors.New("zip directory too large")

// dirBudget is the io.ReaderAt given to archive/zip: while armed, it fails
// once maxCentralDir (plus the end record search) has been read.
type dirBudget struct {
	r     io.ReaderAt
	left  int64
	armed bool
}

func (d *dirBudget) ReadAt(p []byte, off int64) (int, error) {
	if d.armed {
		if int64(len(p)) > d.left {
			return 0, errDirTooLarge
		}
		d.left -= int64(len(p))
	}
	return d.r.ReadAt(p, off)
}

// archive is an xlsx zip whose entries passed the declared-size checks.
// left is what remains of MaxUnzipped for the bytes actually inflated.
type archive struct {
	files map[string]*zip.File // by lower-case name: OPC names are case-insensitive
	lim   Limits
	left  int64
}

func openArchive(r io.ReaderAt, size int64, lim Limits) (*archive, error) {
	budget := &dirBudget{r: r, left: maxCentralDir + 128<<10, armed: true}
	zr, err := zip.NewReader(budget, size)
	budget.armed = false
	if errors.Is(err, errDirTooLarge) {
		return nil, fmt.Errorf("%w: zip directory over %d bytes", ErrZipBomb, maxCentralDir)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	a := &archive{files: make(map[string]*zip.File, len(zr.File)), lim: lim, left: lim.MaxUnzipped}
	for _, f := range zr.File {
		if err := checkEntry(f, lim); err != nil {
			return nil, err
		}
		key := strings.ToLower(f.Name)
		if _, dup := a.files[key]; !dup {
			a.files[key] = f
		}
	}
	return a, nil
}

// checkEntry refuses an entry by its declared sizes, before any byte of it
// is inflated.
func checkEntry(f *zip.File, lim Limits) error {
	u, c := f.UncompressedSize64, f.CompressedSize64
	if u > uint64(lim.MaxUnzipped) {
		return fmt.Errorf("%w: part of %d bytes", ErrZipBomb, u)
	}
	if u > ratioGrace && (c == 0 || u/c > uint64(lim.MaxRatio)) {
		return fmt.Errorf("%w: part compressed %d:%d", ErrZipBomb, u, c)
	}
	return nil
}

func (a *archive) file(name string) *zip.File { return a.files[strings.ToLower(name)] }

// declared sums the declared uncompressed sizes of the named parts that
// exist.
func (a *archive) declared(names ...string) int64 {
	var n int64
	for _, name := range names {
		if f := a.file(name); f != nil {
			n += int64(f.UncompressedSize64)
		}
	}
	return n
}

// open returns the inflated content of a part, counting every byte against
// MaxUnzipped: headers can lie, the count cannot.
func (a *archive) open(name string) (io.ReadCloser, error) {
	f := a.file(name)
	if f == nil {
		return nil, fmt.Errorf("%w: missing part %s", ErrCorrupt, name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrCorrupt, name, err)
	}
	return &partReader{rc: rc, a: a, f: f}, nil
}

type partReader struct {
	rc  io.ReadCloser
	a   *archive
	f   *zip.File
	err error
}

func (p *partReader) Read(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	n, err := p.rc.Read(b)
	p.a.left -= int64(n)
	switch {
	case p.a.left < 0:
		p.err = fmt.Errorf("%w: more than %d bytes inflated", ErrZipBomb, p.a.lim.MaxUnzipped)
	case err == nil || err == io.EOF:
		return n, err
	case errors.Is(err, zip.ErrFormat):
		// While reading, archive/zip reports ErrFormat only when a part
		// inflates past its declared size: the header lied.
		p.err = fmt.Errorf("%w: %s larger than declared", ErrZipBomb, p.f.Name)
	default:
		p.err = fmt.Errorf("%w: %s: %w", ErrCorrupt, p.f.Name, err)
	}
	return n, p.err
}

func (p *partReader) Close() error { return p.rc.Close() }
