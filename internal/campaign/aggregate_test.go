package campaign_test

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"qinggong/internal/campaign"
)

func TestWeightedTotal(t *testing.T) {
	cs := []campaign.Criterion{{ID: 1, Weight: 40, Min: 0, Max: 10}, {ID: 2, Weight: 60, Min: 50, Max: 100}}
	for _, c := range []struct {
		scores map[int64]int
		want   float64
	}{
		{map[int64]int{1: 10, 2: 100}, 100},
		{map[int64]int{1: 0, 2: 50}, 0},
		{map[int64]int{1: 5, 2: 75}, 50},
		{map[int64]int{1: 8, 2: 90}, 32 + 48},
	} {
		if got := campaign.WeightedTotal(cs, c.scores); got != c.want {
			t.Errorf("WeightedTotal(%v) = %v, want %v", c.scores, got, c.want)
		}
	}
}

// Worked examples of each method and of the ranking.
func TestAggregateExamples(t *testing.T) {
	rev := func(n, r int64, total float64) campaign.ReviewTotal {
		return campaign.ReviewTotal{NominationID: n, ReviewerID: r, Total: total}
	}
	reviews := []campaign.ReviewTotal{rev(1, 10, 10), rev(1, 11, 50), rev(1, 12, 60), rev(1, 13, 100), rev(2, 10, 70), rev(2, 11, 80)}
	scoreOf := func(method string) map[int64]float64 {
		out := map[int64]float64{}
		for _, x := range campaign.Aggregate(method, []int64{1, 2, 3}, reviews) {
			out[x.NominationID] = x.Score
		}
		return out
	}
	if got := scoreOf(campaign.MethodMean); got[1] != 55 || got[2] != 75 || got[3] != 0 {
		t.Errorf("mean = %v", got)
	}
	if got := scoreOf(campaign.MethodTrimmed); got[1] != 55 || got[2] != 75 { // (50+60)/2; two reviews: the mean
		t.Errorf("trimmed = %v", got)
	}
	// Reviewer 10 gave 10 and 70 (z −1, +1); 11 gave 50 and 80 (−1, +1);
	// 12 and 13 one review each, no spread: 0.
	if got := scoreOf(campaign.MethodZScore); got[1] != -0.5 || got[2] != 1 {
		t.Errorf("zscore = %v", got)
	}
	rs := []campaign.RoundResult{{NominationID: 4, Score: 70, Reviews: 1}, {NominationID: 3, Score: 80, Reviews: 2},
		{NominationID: 9, Score: 0, Reviews: 0}, {NominationID: 2, Score: 80, Reviews: 2}, {NominationID: 1, Score: 90, Reviews: 3},
		{NominationID: 5, Score: 60, Reviews: 1}}
	campaign.Rank(rs, 2, 0)
	var ids, ranks []int
	passed := 0
	for _, r := range rs {
		ids, ranks = append(ids, int(r.NominationID)), append(ranks, r.Rank)
		if r.Passed {
			passed++
		}
	}
	if !slices.Equal(ids, []int{1, 2, 3, 4, 5, 9}) || !slices.Equal(ranks, []int{1, 2, 2, 4, 5, 0}) || passed != 3 {
		t.Errorf("ranked %v with ranks %v, %d passed", ids, ranks, passed)
	}
}

// randomRound is n nominations each reviewed by some of m reviewers, with
// totals on a grid of quarters (so that ties happen) from 0 to 100.
func randomRound(rng *rand.Rand) ([]int64, []campaign.ReviewTotal) {
	n, m := 1+rng.IntN(30), 1+rng.IntN(8)
	var entries []int64
	var rs []campaign.ReviewTotal
	for i := range n {
		id := int64(100 + i*7)
		entries = append(entries, id)
		for r := range m {
			if rng.IntN(3) > 0 {
				rs = append(rs, campaign.ReviewTotal{NominationID: id, ReviewerID: int64(r + 1), Total: float64(rng.IntN(401)) / 4})
			}
		}
	}
	return entries, rs
}

// The properties of aggregation and ranking, over random rounds.
func TestAggregateProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 2025))
	for iter := range 2000 {
		entries, rs := randomRound(rng)
		method := campaign.Methods[iter%len(campaign.Methods)]
		shortlist := 1 + rng.IntN(len(entries)+2)
		got := campaign.Aggregate(method, entries, rs)

		// Scores of mean and trimmed stay within 0–100; every entry is scored once.
		if len(got) != len(entries) {
			t.Fatalf("%d results for %d entries", len(got), len(entries))
		}
		reviews := 0
		for _, x := range got {
			if method != campaign.MethodZScore && (x.Score < 0 || x.Score > 100) {
				t.Fatalf("%s score %v out of 0–100", method, x.Score)
			}
			reviews += x.Reviews
		}
		if reviews != len(rs) {
			t.Fatalf("%d reviews counted of %d", reviews, len(rs))
		}

		// The order of the input changes nothing, not even the last bit.
		shuffled, es := slices.Clone(rs), slices.Clone(entries)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		rng.Shuffle(len(es), func(i, j int) { es[i], es[j] = es[j], es[i] })
		again := campaign.Aggregate(method, es, shuffled)
		if !reflect.DeepEqual(got, again) {
			t.Fatalf("%s: a shuffled input gives %v, not %v", method, again, got)
		}
		campaign.Rank(got, shortlist, 0)
		campaign.Rank(again, shortlist, 0)
		if !reflect.DeepEqual(got, again) {
			t.Fatalf("%s: a shuffled input ranks %v, not %v", method, again, got)
		}

		// Ranks: competition ranking by descending score, ties shared, the
		// unreviewed last and unranked; the shortlist passes, ties at the
		// cutoff included.
		passed := 0
		for i, x := range got {
			if x.Reviews == 0 {
				if x.Rank != 0 || x.Passed || (i+1 < len(got) && got[i+1].Reviews > 0) {
					t.Fatalf("unreviewed %+v ranked or listed before reviewed ones", x)
				}
				continue
			}
			higher := 0
			for _, y := range got {
				if y.Reviews > 0 && y.Score > x.Score {
					higher++
				}
			}
			if x.Rank != higher+1 {
				t.Fatalf("%+v: rank %d with %d scores above", x, x.Rank, higher)
			}
			if i > 0 && got[i-1].Reviews > 0 {
				p := got[i-1]
				if p.Score < x.Score || p.Rank > x.Rank || (p.Score == x.Score) != (p.Rank == x.Rank) ||
					(p.Score == x.Score && p.NominationID > x.NominationID) {
					t.Fatalf("out of order: %+v before %+v", p, x)
				}
			}
			if x.Passed != (x.Rank <= shortlist) {
				t.Fatalf("%+v passed=%v with shortlist %d", x, x.Passed, shortlist)
			}
			if x.Passed {
				passed++
			}
		}
		ranked := 0
		for _, x := range got {
			if x.Reviews > 0 {
				ranked++
			}
		}
		if passed < min(shortlist, ranked) {
			t.Fatalf("%d passed of %d ranked with shortlist %d", passed, ranked, shortlist)
		}

		// A ballot only takes away: who passes with one passed without.
		withVotes := slices.Clone(got)
		for i := range withVotes {
			withVotes[i].Yes = rng.IntN(4)
		}
		campaign.Rank(withVotes, shortlist, 2)
		for _, x := range withVotes {
			if x.Passed && (x.Yes < 2 || x.Rank > shortlist) {
				t.Fatalf("%+v passed the ballot", x)
			}
		}
	}
}

// Adding a constant to every total of one reviewer (a lenient or a
// severe one) leaves the z-scores as they were.
func TestZScoreShift(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 7))
	for range 1000 {
		entries, rs := randomRound(rng)
		if len(rs) == 0 {
			continue
		}
		base := campaign.Aggregate(campaign.MethodZScore, entries, rs)
		who, c := rs[rng.IntN(len(rs))].ReviewerID, float64(rng.IntN(81)-40)+0.25
		shifted := slices.Clone(rs)
		for i := range shifted {
			if shifted[i].ReviewerID == who {
				shifted[i].Total += c
			}
		}
		after := campaign.Aggregate(campaign.MethodZScore, entries, shifted)
		for i := range base {
			if math.Abs(base[i].Score-after[i].Score) > 2e-6 {
				t.Fatalf("reviewer %d shifted by %v moves nomination %d from %v to %v", who, c, base[i].NominationID, base[i].Score,
					after[i].Score)
			}
		}
		// A nomination no review scored scores 0.
		for _, x := range base {
			if x.Reviews == 0 && x.Score != 0 {
				t.Fatalf("unreviewed %+v scored", x)
			}
		}
	}
}
