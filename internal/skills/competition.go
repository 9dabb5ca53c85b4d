package skills

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"qinggong/internal/audit"
	"qinggong/internal/auth"
	"qinggong/internal/db"
	"qinggong/internal/errs"
)

// Competitions (竞赛选拔): by trade and level, individual or team entries
// made while the competition is open, scores by the judges on its panel
// only (one each per entry, from 0 to 100), and on closing the placements
// by the mean score, the first three credited by the rule of the level.

// Competition levels, from the narrowest.
var CompetitionLevels = []string{"enterprise", "industry", "city"}

// Competition statuses.
const (
	CompetitionOpen   = "open"
	CompetitionClosed = "closed"
)

// Competition is one contest.
type Competition struct {
	ID      int64  `json:"id"`
	OrgID   int64  `json:"org_id"`
	OrgPath string `json:"-"`
	Title   string `json:"title"`
	Trade   string `json:"trade"`
	Level   string `json:"level"`
	Team    bool   `json:"team"`
	HeldOn  string `json:"held_on"`
	Status  string `json:"status"`
	Entries int    `json:"entries"`
	Round   int    `json:"round"` // the round being judged, from 1
}

// CompetitionInput is a new competition.
type CompetitionInput struct {
	OrgID  int64  `json:"org_id"`
	Title  string `json:"title"`
	Trade  string `json:"trade"`
	Level  string `json:"level"`
	Team   bool   `json:"team"`
	HeldOn string `json:"held_on"`
}

// Entry of a competition: one person, or a team of them.
type CompetitionEntry struct {
	ID        int64   `json:"id"`
	Name      string  `json:"name"` // the person's, or the team's
	Members   []int64 `json:"members"`
	OrgID     int64   `json:"org_id"`
	Mean      int     `json:"mean"` // -1 until scored
	Placement int     `json:"placement,omitempty"`
	Scores    int     `json:"scores"` // judges who scored it in its round
	Round     int     `json:"round"`  // the furthest round it reached
}

const competitionColumns = `id, org_id, org_path, title, trade, level, team, held_on, status, entries, round`

func scanCompetition(sc interface{ Scan(...any) error }, c *Competition) error {
	return sc.Scan(&c.ID, &c.OrgID, &c.OrgPath, &c.Title, &c.Trade, &c.Level, &c.Team, &c.HeldOn, &c.Status, &c.Entries, &c.Round)
}

// CreateCompetition announces a competition organized where the actor holds skills.manage.
func (s *Service) CreateCompetition(ctx context.Context, by *auth.Actor, in CompetitionInput) (*Competition, error) {
	var f errs.Fields
	o, err := s.orgs.FindByID(ctx, by, in.OrgID)
	if err != nil || !by.Can(auth.SkillsManage, o.Path) {
		f.Add("org_id", "err.course_org")
	}
	in.Title, in.Trade = strings.TrimSpace(in.Title), strings.TrimSpace(in.Trade)
	for k, v := range map[string]string{"title": in.Title, "trade": in.Trade} {
		switch n := utf8.RuneCountInString(v); {
		case n == 0:
			f.Add(k, "err.required")
		case n > 100:
			f.Add(k, "err.too_long")
		}
	}
	if !slices.Contains(CompetitionLevels, in.Level) {
		f.Add("level", "err.choose")
	}
	if _, err := time.Parse(time.DateOnly, in.HeldOn); err != nil {
		f.Add("held_on", "err.career_date")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO competitions (org_id, org_path, title, trade, level, team, held_on, status, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, o.ID, o.Path, in.Title, in.Trade, in.Level, in.Team, in.HeldOn,
			CompetitionOpen, by.UserID, s.now().UTC()).Scan(&id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "competition.create", ObjectType: "competition", ObjectID: id, OrgID: o.ID,
			Summary: fmt.Sprintf("level=%s team=%t", in.Level, in.Team)})
	})
	if err != nil {
		return nil, err
	}
	return competitionByID(ctx, s.db.R(), id)
}

func competitionByID(ctx context.Context, q db.Q, id int64) (*Competition, error) {
	var c Competition
	err := scanCompetition(q.QueryRowContext(ctx, `SELECT `+competitionColumns+` FROM competitions WHERE id = $1`, id), &c)
	if errors.Is(err, db.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	return &c, err
}

// managedCompetition is a competition the actor organizes; a reader of its
// organizer who may not is refused, anyone else finds nothing.
func (s *Service) managedCompetition(ctx context.Context, by *auth.Actor, id int64) (*Competition, error) {
	c, err := competitionByID(ctx, s.db.R(), id)
	if err != nil {
		return nil, err
	}
	if !by.Can(auth.SkillsManage, c.OrgPath) {
		if by.Can(auth.OrgRead, c.OrgPath) {
			return nil, errs.E(errs.Forbidden, "err.forbidden")
		}
		return nil, errs.ErrNotFound
	}
	return c, nil
}

// AddJudge puts a login on the competition's panel.
func (s *Service) AddJudge(ctx context.Context, by *auth.Actor, id, userID int64) error {
	c, err := s.managedCompetition(ctx, by, id)
	if err != nil {
		return err
	}
	var n int
	if err := s.db.R().QueryRowContext(ctx, `SELECT count(*) FROM users WHERE id = $1`, userID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return (errs.Fields{"user_id": "err.competition_judge_unknown"}).Err()
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO competition_judges (competition_id, user_id) VALUES ($1, $2)`, c.ID, userID)
		if db.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "err.competition_judge_twice")
		}
		if err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "competition.judge", ObjectType: "competition", ObjectID: c.ID, OrgID: c.OrgID,
			Summary: "judge=" + strconv.FormatInt(userID, 10)})
	})
}

// Enter enters people (one, or a named team) from the organizer's subtree,
// each at most once per competition, while it is open.
func (s *Service) Enter(ctx context.Context, by *auth.Actor, id int64, team string, members []int64) (*CompetitionEntry, error) {
	c, err := s.managedCompetition(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if c.Status != CompetitionOpen {
		return nil, errs.E(errs.Conflict, "err.competition_closed")
	}
	team = strings.TrimSpace(team)
	var f errs.Fields
	switch {
	case len(members) == 0:
		f.Add("members", "err.required")
	case !c.Team && len(members) > 1:
		f.Add("members", "err.competition_individual")
	case c.Team && utf8.RuneCountInString(team) == 0:
		f.Add("team", "err.required")
	case len(members) > 20 || utf8.RuneCountInString(team) > 50:
		f.Add("members", "err.too_many")
	}
	var name string
	var orgID int64
	for i, pid := range members {
		p, err := s.people.Get(ctx, by, pid)
		if err != nil || !strings.HasPrefix(p.OrgPath, c.OrgPath) {
			f.Add(fmt.Sprintf("members.%d", i), "err.competition_member")
			continue
		}
		if i == 0 {
			name, orgID = p.Name, p.OrgID
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if c.Team {
		name = team
	}
	var eid int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		ids := make([]string, len(members))
		for i, m := range members {
			ids[i] = strconv.FormatInt(m, 10)
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO competition_entries (competition_id, name, members, org_id, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, c.ID, name, strings.Join(ids, ","), orgID, s.now().UTC()).Scan(&eid); err != nil {
			return err
		}
		for _, m := range members {
			_, err := tx.ExecContext(ctx, `INSERT INTO competition_entrants (competition_id, person_id, entry_id) VALUES ($1, $2, $3)`, c.ID, m, eid)
			if db.IsUniqueViolation(err) {
				return errs.E(errs.Conflict, "err.competition_entered")
			}
			if err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE competitions SET entries = entries + 1 WHERE id = $1`, c.ID); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "competition.enter", ObjectType: "competition", ObjectID: c.ID, OrgID: c.OrgID,
			Summary: fmt.Sprintf("entry=%d members=%d", eid, len(members))})
	})
	if err != nil {
		return nil, err
	}
	return &CompetitionEntry{ID: eid, Name: name, Members: members, OrgID: orgID, Mean: -1}, nil
}

// Score records a judge's score of an entry, once; only a judge on the
// competition's panel scores, while it is open.
func (s *Service) Score(ctx context.Context, by *auth.Actor, entryID int64, score int) error {
	var cid int64
	var round int
	err := s.db.R().QueryRowContext(ctx, `SELECT competition_id, round FROM competition_entries WHERE id = $1`, entryID).Scan(&cid, &round)
	if errors.Is(err, db.ErrNoRows) {
		return errs.ErrNotFound
	}
	if err != nil {
		return err
	}
	c, err := competitionByID(ctx, s.db.R(), cid)
	if err != nil {
		return err
	}
	var judge int
	if err := s.db.R().QueryRowContext(ctx, `SELECT count(*) FROM competition_judges WHERE competition_id = $1 AND user_id = $2`,
		cid, by.UserID).Scan(&judge); err != nil {
		return err
	}
	if judge == 0 {
		return errs.E(errs.Forbidden, "err.competition_not_judge")
	}
	if c.Status != CompetitionOpen {
		return errs.E(errs.Conflict, "err.competition_closed")
	}
	if round != c.Round {
		return errs.E(errs.Conflict, "err.competition_eliminated")
	}
	if score < 0 || score > 100 {
		return (errs.Fields{"score": "err.course_score"}).Err()
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO competition_scores (entry_id, judge_id, round, score, at) VALUES ($1, $2, $3, $4, $5)`,
			entryID, by.UserID, round, score, s.now().UTC())
		if db.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "err.competition_scored")
		}
		if err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "competition.score", ObjectType: "competition", ObjectID: cid, OrgID: c.OrgID,
			Summary: fmt.Sprintf("entry=%d round=%d score=%d", entryID, round, score)})
	})
}

// Entries lists a competition's entries with their means and placements,
// best first once closed, to its organizers and readers of its organizer.
func (s *Service) Entries(ctx context.Context, by *auth.Actor, id int64) (*Competition, []CompetitionEntry, error) {
	c, err := competitionByID(ctx, s.db.R(), id)
	if err != nil {
		return nil, nil, err
	}
	if !by.Can(auth.OrgRead, c.OrgPath) && !by.Can(auth.SkillsManage, c.OrgPath) {
		return nil, nil, errs.ErrNotFound
	}
	list, err := entries(ctx, s.db.R(), id)
	return c, list, err
}

func entries(ctx context.Context, q db.Q, id int64) ([]CompetitionEntry, error) {
	// An entry's scores are those of the furthest round it reached.
	rows, err := q.QueryContext(ctx, `SELECT e.id, e.name, e.members, e.org_id, e.mean, e.placement, e.round,
		(SELECT count(*) FROM competition_scores s WHERE s.entry_id = e.id AND s.round = e.round),
		(SELECT COALESCE(SUM(score), 0) FROM competition_scores s WHERE s.entry_id = e.id AND s.round = e.round)
		FROM competition_entries e WHERE e.competition_id = $1 ORDER BY e.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []CompetitionEntry{}
	for rows.Next() {
		var e CompetitionEntry
		var members string
		var sum int
		if err := rows.Scan(&e.ID, &e.Name, &members, &e.OrgID, &e.Mean, &e.Placement, &e.Round, &e.Scores, &sum); err != nil {
			return nil, err
		}
		for _, m := range strings.Split(members, ",") {
			if n, err := strconv.ParseInt(m, 10, 64); err == nil {
				e.Members = append(e.Members, n)
			}
		}
		if e.Mean < 0 && e.Scores > 0 {
			e.Mean = sum / e.Scores // provisional until closed
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// CloseCompetition places the entries by their mean score (ties share the
// better place) and credits every member of the first three by the rule
// of the competition's level and the place, in one transaction. An entry
// no judge scored is not placed.
func (s *Service) CloseCompetition(ctx context.Context, by *auth.Actor, id int64) ([]CompetitionEntry, error) {
	c, err := s.managedCompetition(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if c.Status != CompetitionOpen {
		return nil, errs.E(errs.Conflict, "err.competition_closed")
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE competitions SET status = $1 WHERE id = $2 AND status = $3`, CompetitionClosed, c.ID, CompetitionOpen)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.Conflict, "err.competition_closed")
		}
		list, err := entries(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		// Every entrant a judge scored, in whichever round, took part; the
		// last round's are placed.
		took := slices.DeleteFunc(slices.Clone(list), func(e CompetitionEntry) bool { return e.Scores == 0 })
		scored := scoredIn(list, c.Round)
		sort.SliceStable(scored, func(i, j int) bool { return scored[i].Mean > scored[j].Mean })
		var ps []posting
		for i := range scored {
			place := i + 1
			if i > 0 && scored[i].Mean == scored[i-1].Mean {
				place = scored[i-1].Placement
			}
			scored[i].Placement = place
			if _, err := tx.ExecContext(ctx, `UPDATE competition_entries SET mean = $1, placement = $2 WHERE id = $3`,
				scored[i].Mean, place, scored[i].ID); err != nil {
				return err
			}
			if place > 3 {
				continue
			}
			rl, err := rule(ctx, tx, fmt.Sprintf("competition.%s.%d", c.Level, place))
			if err != nil {
				return err
			}
			for _, m := range scored[i].Members {
				who, err := memberOf(ctx, tx, m)
				if err != nil {
					return err
				}
				if rl.Credits > 0 {
					ps = append(ps, posting{PersonID: m, OrgID: who.orgID, OrgPath: who.path, Trade: c.Trade, IssuerID: c.OrgID, Category: SourceCompetition,
						Credits: rl.Credits, Source: SourceCompetition, SourceID: scored[i].ID, Rule: rl.Code, Expires: s.expiry(rl)})
				}
			}
		}
		more, err := s.participation(ctx, tx, c, took)
		if err != nil {
			return err
		}
		ps = append(ps, more...)
		if _, err := s.post(ctx, tx, by, ps); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "competition.close", ObjectType: "competition", ObjectID: c.ID, OrgID: c.OrgID,
			Summary: fmt.Sprintf("placed=%d credited=%d", len(scored), len(ps))})
	})
	if err != nil {
		return nil, err
	}
	_, list, err := s.Entries(ctx, by, c.ID)
	return list, err
}

// Competitions lists the competitions organized in the actor's OrgRead
// scope, newest first.
func (s *Service) Competitions(ctx context.Context, by *auth.Actor) ([]Competition, error) {
	a := &db.Args{}
	rows, err := s.db.R().QueryContext(ctx, `SELECT `+competitionColumns+` FROM competitions WHERE `+by.Scope(auth.OrgRead).Where("org_path", a)+
		` ORDER BY id DESC LIMIT 100`, a.List()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Competition{}
	for rows.Next() {
		var c Competition
		if err := scanCompetition(rows, &c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// judging reports whether the actor is on the competition's panel, and
// the entries they have scored; NotFound for a missing competition.
func (s *Service) judging(ctx context.Context, by *auth.Actor, id int64) (bool, map[int64]bool, error) {
	if _, err := competitionByID(ctx, s.db.R(), id); err != nil {
		return false, nil, err
	}
	var n int
	if err := s.db.R().QueryRowContext(ctx, `SELECT count(*) FROM competition_judges WHERE competition_id = $1 AND user_id = $2`,
		id, by.UserID).Scan(&n); err != nil || n == 0 {
		return false, nil, err
	}
	rows, err := s.db.R().QueryContext(ctx, `SELECT s.entry_id FROM competition_scores s JOIN competition_entries e ON e.id = s.entry_id
		WHERE e.competition_id = $1 AND s.judge_id = $2 AND s.round = e.round`, id, by.UserID)
	if err != nil {
		return false, nil, err
	}
	defer rows.Close()
	scored := map[int64]bool{}
	for rows.Next() {
		var e int64
		if err := rows.Scan(&e); err != nil {
			return false, nil, err
		}
		scored[e] = true
	}
	return true, scored, rows.Err()
}

// competitionOf is the competition an entry belongs to.
func (s *Service) competitionOf(ctx context.Context, entryID int64) (int64, error) {
	var id int64
	err := s.db.R().QueryRowContext(ctx, `SELECT competition_id FROM competition_entries WHERE id = $1`, entryID).Scan(&id)
	if errors.Is(err, db.ErrNoRows) {
		return 0, errs.ErrNotFound
	}
	return id, err
}

// usersByLogin is the ID of the login named.
func (s *Service) usersByLogin(ctx context.Context, login string) (int64, error) {
	var id int64
	err := s.db.R().QueryRowContext(ctx, `SELECT id FROM users WHERE login = $1`, strings.ToLower(login)).Scan(&id)
	return id, err
}

// participation credits, once per skills month, every member of the
// entries a judge scored (in any round) of a competition held within the
// month's dates (the skills_month rule), whatever their place.
func (s *Service) participation(ctx context.Context, tx *db.Tx, c *Competition, scored []CompetitionEntry) ([]posting, error) {
	m, err := monthHolding(ctx, tx, c.HeldOn)
	if err != nil || m == nil {
		return nil, err
	}
	rl, err := rule(ctx, tx, SourceSkillsMonth)
	if err != nil || rl.Credits == 0 {
		return nil, err
	}
	var ps []posting
	seen := map[int64]bool{}
	for _, e := range scored {
		for _, p := range e.Members {
			if seen[p] {
				continue
			}
			seen[p] = true
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM credit_entries WHERE source = $1 AND source_id = $2 AND person_id = $3`,
				SourceSkillsMonth, m.ID, p).Scan(&n); err != nil {
				return nil, err
			}
			if n > 0 {
				continue
			}
			who, err := memberOf(ctx, tx, p)
			if err != nil {
				return nil, err
			}
			ps = append(ps, posting{PersonID: p, OrgID: who.orgID, OrgPath: who.path, Trade: c.Trade, IssuerID: c.OrgID,
				Category: SourceSkillsMonth, Credits: rl.Credits, Source: SourceSkillsMonth, SourceID: m.ID, Rule: rl.Code, Expires: s.expiry(rl)})
		}
	}
	return ps, nil
}

// AdvanceRound closes the round being judged: the keep best entries by
// their mean in it (and any tied with the last of them) go on to the next
// round, to be scored afresh; the rest, and entries no judge scored, stop
// there. Placements come from the last round, when the competition closes.
func (s *Service) AdvanceRound(ctx context.Context, by *auth.Actor, id int64, keep int) (*Competition, error) {
	c, err := s.managedCompetition(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if c.Status != CompetitionOpen {
		return nil, errs.E(errs.Conflict, "err.competition_closed")
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		// The competition's row orders this against scores and closing.
		res, err := tx.ExecContext(ctx, `UPDATE competitions SET round = round + 1 WHERE id = $1 AND round = $2 AND status = $3`,
			c.ID, c.Round, CompetitionOpen)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.Conflict, "err.competition_changed")
		}
		list, err := entries(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		in := scoredIn(list, c.Round)
		if keep < 1 || keep >= len(in) {
			return (errs.Fields{"keep": "err.competition_keep"}).Err()
		}
		sort.SliceStable(in, func(i, j int) bool { return in[i].Mean > in[j].Mean })
		cut := in[keep-1].Mean
		var on []CompetitionEntry
		for _, e := range in {
			if e.Mean >= cut {
				on = append(on, e)
			}
		}
		for _, e := range on {
			if _, err := tx.ExecContext(ctx, `UPDATE competition_entries SET round = $1 WHERE id = $2`, c.Round+1, e.ID); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "competition.advance", ObjectType: "competition", ObjectID: c.ID, OrgID: c.OrgID,
			Summary: fmt.Sprintf("round=%d advanced=%d of=%d", c.Round, len(on), len(in))})
	})
	if err != nil {
		return nil, err
	}
	return competitionByID(ctx, s.db.R(), c.ID)
}

// scoredIn keeps the entries of list in the round that a judge scored there.
func scoredIn(list []CompetitionEntry, round int) []CompetitionEntry {
	return slices.DeleteFunc(list, func(e CompetitionEntry) bool { return e.Scores == 0 || e.Round != round })
}
