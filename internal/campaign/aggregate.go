package campaign

import (
	"cmp"
	"math"
	"slices"
)

// The arithmetic of review, over plain values: a review's weighted total,
// a nomination's score over its reviews by a round's method, and the
// ranking. Every sum is taken over sorted values, so that the results do
// not depend on the order the reviews come in, not even in the last bit.

// ReviewTotal is one submitted review's weighted total (0–100).
type ReviewTotal struct {
	NominationID int64
	ReviewerID   int64
	Total        float64
}

// RoundResult is one nomination's standing in a closed round.
type RoundResult struct {
	NominationID int64   `json:"nomination_id"`
	NomineeName  string  `json:"nominee_name,omitempty"`
	OrgID        int64   `json:"org_id,omitempty"` // the nominating organization
	Score        float64 `json:"score"`            // 0–100 (mean, trimmed); a mean z-score (zscore)
	Reviews      int     `json:"reviews"`          // submitted reviews counted
	Rank         int     `json:"rank"`             // 1 for the best; 0 when no review scored it
	Passed       bool    `json:"passed"`
	Yes          int     `json:"yes"` // ballot: yes votes
	No           int     `json:"no"`  // ballot: no votes
}

// WeightedTotal is a review's total: each criterion's score placed on its
// range (Min counts 0, Max counts 1) times its weight, summed; with the
// weights making 100 it runs from 0 to 100. Criteria missing from scores
// count their Min.
func WeightedTotal(cs []Criterion, scores map[int64]int) float64 {
	parts := make([]float64, 0, len(cs))
	for _, c := range cs {
		s, ok := scores[c.ID]
		if !ok || c.Max <= c.Min {
			s = c.Min
		}
		parts = append(parts, float64((s-c.Min)*c.Weight)/float64(c.Max-c.Min))
	}
	return sortedSum(parts)
}

// sortedSum is the sum of xs taken in ascending order (xs is sorted in place).
func sortedSum(xs []float64) float64 {
	slices.Sort(xs)
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return sum
}

func meanOf(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	return sortedSum(xs) / float64(len(xs))
}

// trimmedMean drops the highest and the lowest value when there are at
// least three, and takes the mean of the rest.
func trimmedMean(xs []float64) float64 {
	if len(xs) < 3 {
		return meanOf(xs)
	}
	slices.Sort(xs)
	return meanOf(xs[1 : len(xs)-1])
}

// sdEpsilon is the least standard deviation taken for spread: a reviewer
// who gave every nomination the same total (up to rounding) has none,
// and their reviews count 0.
const sdEpsilon = 1e-9

// zScores standardizes each reviewer's totals over all their reviews in
// the round (mean 0, standard deviation 1, population formula), which
// takes out a reviewer's leniency or severity: zs[i] belongs to rs[i].
func zScores(rs []ReviewTotal) []float64 {
	by := map[int64][]float64{}
	for _, r := range rs {
		by[r.ReviewerID] = append(by[r.ReviewerID], r.Total)
	}
	type stat struct{ mean, sd float64 }
	stats := make(map[int64]stat, len(by))
	for id, xs := range by {
		m := meanOf(xs)
		dev := make([]float64, len(xs))
		for i, x := range xs {
			dev[i] = (x - m) * (x - m)
		}
		stats[id] = stat{m, math.Sqrt(sortedSum(dev) / float64(len(xs)))}
	}
	zs := make([]float64, len(rs))
	for i, r := range rs {
		if st := stats[r.ReviewerID]; st.sd >= sdEpsilon {
			zs[i] = (r.Total - st.mean) / st.sd
		}
	}
	return zs
}

// scorePrecision rounds scores so that equal scores reached by different
// sums tie, as they should.
const scorePrecision = 1e6

// Aggregate scores each entry (a nomination ID) over its reviews by the
// method, in entry order sorted by ID; reviews of other nominations are
// ignored. An entry no review scored gets Reviews 0 and Score 0. Ranks are
// left to Rank.
func Aggregate(method string, entries []int64, reviews []ReviewTotal) []RoundResult {
	in := make(map[int64]bool, len(entries))
	for _, id := range entries {
		in[id] = true
	}
	var rs []ReviewTotal
	for _, r := range reviews {
		if in[r.NominationID] {
			rs = append(rs, r)
		}
	}
	values := make([]float64, len(rs))
	if method == MethodZScore {
		values = zScores(rs)
	} else {
		for i, r := range rs {
			values[i] = r.Total
		}
	}
	per := make(map[int64][]float64, len(in))
	for i, r := range rs {
		per[r.NominationID] = append(per[r.NominationID], values[i])
	}
	out := make([]RoundResult, 0, len(in))
	for id := range in {
		xs := per[id]
		var score float64
		switch method {
		case MethodTrimmed:
			score = trimmedMean(xs)
		default:
			score = meanOf(xs)
		}
		if method != MethodZScore {
			score = min(max(score, 0), 100)
		}
		out = append(out, RoundResult{NominationID: id, Score: math.Round(score*scorePrecision) / scorePrecision, Reviews: len(xs)})
	}
	slices.SortFunc(out, func(a, b RoundResult) int { return cmp.Compare(a.NominationID, b.NominationID) })
	return out
}

// Rank orders results best first and ranks them: equal scores share a
// rank and the next rank skips as many (1, 2, 2, 4); ties are listed by
// nomination ID, which decides nothing. Results no review scored come
// last with rank 0. A result passes when its rank is within shortlist, so
// that nominations tied at the cutoff all pass (the shortlist may then
// hold more than shortlist), and, when passVotes > 0 (a committee
// ballot), it has at least passVotes yes votes.
func Rank(rs []RoundResult, shortlist, passVotes int) {
	slices.SortFunc(rs, func(a, b RoundResult) int {
		if (a.Reviews == 0) != (b.Reviews == 0) {
			if a.Reviews == 0 {
				return 1
			}
			return -1
		}
		if c := cmp.Compare(b.Score, a.Score); c != 0 && a.Reviews > 0 {
			return c
		}
		return cmp.Compare(a.NominationID, b.NominationID)
	})
	for i := range rs {
		r := &rs[i]
		switch {
		case r.Reviews == 0:
			r.Rank = 0
		case i > 0 && rs[i-1].Reviews > 0 && rs[i-1].Score == r.Score:
			r.Rank = rs[i-1].Rank
		default:
			r.Rank = i + 1
		}
		r.Passed = r.Rank > 0 && r.Rank <= shortlist && (passVotes <= 0 || r.Yes >= passVotes)
	}
}
