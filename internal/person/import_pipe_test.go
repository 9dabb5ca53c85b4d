package person

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// produceN emits n one-row batches, then fails with err if it is not nil.
func produceN(n int, err error, emitted *int) func(context.Context, func(batch) error) error {
	return func(ctx context.Context, emit func(batch) error) error {
		for range n {
			if e := emit(batch{rows: 1}); e != nil {
				return e
			}
			*emitted++
		}
		return err
	}
}

func TestPipe(t *testing.T) {
	ctx := context.Background()
	done := func(t *testing.T, f func() error) error {
		t.Helper()
		ch := make(chan error, 1)
		go func() { ch <- f() }()
		select {
		case err := <-ch:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("pipe did not return")
			return nil
		}
	}
	t.Run("all batches in order", func(t *testing.T) {
		var emitted, consumed int
		err := done(t, func() error {
			return pipe(ctx, produceN(50, nil, &emitted), func(b batch) error { consumed += b.rows; return nil })
		})
		if err != nil || consumed != 50 {
			t.Errorf("consumed %d, err %v; want 50, nil", consumed, err)
		}
	})
	t.Run("the producer fails midway", func(t *testing.T) {
		bad := errors.New("corrupt row")
		var emitted, consumed int
		err := done(t, func() error {
			return pipe(ctx, produceN(5, bad, &emitted), func(b batch) error { consumed += b.rows; return nil })
		})
		if !errors.Is(err, bad) || consumed != 5 {
			t.Errorf("consumed %d, err %v; want the 5 batches before the failure and its error", consumed, err)
		}
	})
	t.Run("the consumer fails: the producer stops", func(t *testing.T) {
		bad := errors.New("write failed")
		var emitted, consumed int
		err := done(t, func() error {
			return pipe(ctx, produceN(1000, nil, &emitted), func(b batch) error {
				if consumed++; consumed == 3 {
					return bad
				}
				return nil
			})
		})
		// The producer runs at most a batch or two ahead of the failure.
		if !errors.Is(err, bad) || emitted > 6 {
			t.Errorf("err %v, producer emitted %d after the consumer failed at 3", err, emitted)
		}
	})
	t.Run("a panic in the producer is an error", func(t *testing.T) {
		err := done(t, func() error {
			return pipe(ctx, func(context.Context, func(batch) error) error { panic("bug") }, func(batch) error { return nil })
		})
		if err == nil || !strings.Contains(err.Error(), "panic: bug") {
			t.Errorf("err = %v, want the panic", err)
		}
	})
	t.Run("the caller cancels", func(t *testing.T) {
		ctx, cancel := context.WithCancel(ctx)
		var emitted int
		err := done(t, func() error {
			return pipe(ctx, produceN(1000, nil, &emitted), func(b batch) error { cancel(); return nil })
		})
		if !errors.Is(err, context.Canceled) || emitted > 4 {
			t.Errorf("err %v after %d batches, want context.Canceled soon", err, emitted)
		}
	})
}
