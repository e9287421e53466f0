//! The future graph: `leads_to` edges between futures (a DAG, checked with
//! petgraph) and the `within` tree of groups. It resolves references, finds
//! cycles, and computes implied probabilities, disagreement flags, the
//! probability that a bet pays off, what moves it, and its essential fork.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::path::Path;

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::diagnostics::{Diagnostic, Diagnostics, Pos, closest};
use crate::routes::FutureIx;
use crate::source::futures::{Future, FutureId, Located};
use crate::source::record::Outcome;

/// How many groups a future may be within. The map draws each group as a
/// box inside its group's box, each level inset and with a header; real
/// sites use two or three. Without a limit, 3,000 levels took the map's
/// layout 16 s and 10,000 over two minutes.
pub(crate) const MAX_NESTING: usize = 32;

/// How many futures of each end of a long path messages name.
const PATH_SHOWN: usize = 5;

/// Own and implied probability must differ by more than this to be flagged.
pub(crate) const DISAGREEMENT: f64 = 0.15;

/// Whether `own` and `implied` differ by more than [`DISAGREEMENT`]. Sums
/// of products carry rounding error (0.5 − 0.7 × 0.5 is a hair above 0.15),
/// so a difference within 1e-9 of the threshold counts as equal to it.
pub(crate) fn disagrees(own: f64, implied: f64) -> bool {
    (own - implied).abs() > DISAGREEMENT + 1e-9
}

/// Node `i` of the graph is future `i` of the slice it was built from.
pub(crate) struct Graph {
    ids: Vec<FutureId>,
    /// Ids of future files that had errors of their own: they exist, so a
    /// reference to one is not another error.
    broken: HashSet<String>,
    index: HashMap<FutureId, FutureIx>,
    dag: DiGraph<(), f64, u32>,
    group: Vec<Option<FutureIx>>,
    members: Vec<Vec<FutureIx>>,
    /// Futures in an order where parents come before children.
    topo: Vec<FutureIx>,
    /// Each future's position in `topo`, kept because every bet's swings
    /// and essential fork sort by it.
    rank: Vec<usize>,
}

/// What the graph says about one future's probability.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Computed {
    /// Σ P(parent) × P(edge), capped at 1; a root's own probability.
    pub implied: Option<f64>,
    /// The same sum before capping, to warn about overlapping parents.
    pub incoming: Option<f64>,
    /// Own and implied differ by more than [`DISAGREEMENT`].
    pub disagreement: bool,
}

/// The probability that a bet pays off: that some future it wins in
/// happens and none it loses in does.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Payoff {
    /// Known exactly: one winning future, or several that are alternatives
    /// of one fork (their sum), and no losing future outside that fork.
    Exact(f64),
    /// Bounds, never a made-up point between them.
    Range(f64, f64),
    /// Some future it wins or loses in has no probability at all.
    Unknown,
}

impl Payoff {
    /// One number for it: the probability where exact, the middle of the
    /// bounds otherwise, so a swing compares like with like.
    pub(crate) fn midpoint(self) -> Option<f64> {
        match self {
            Payoff::Exact(x) => Some(x),
            Payoff::Range(lo, hi) => Some((lo + hi) / 2.0),
            Payoff::Unknown => None,
        }
    }

    /// Its low and high ends (equal where exact).
    pub(crate) fn bounds(self) -> Option<(f64, f64)> {
        match self {
            Payoff::Exact(x) => Some((x, x)),
            Payoff::Range(lo, hi) => Some((lo, hi)),
            Payoff::Unknown => None,
        }
    }
}

/// The futures a bet wins in and loses in.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Sides<'a> {
    pub wins: &'a [FutureIx],
    pub loses: &'a [FutureIx],
}

/// How much one future moves a bet: the bet's chance of paying off (the
/// midpoint, for bounds) with that future set to 1, minus the same with it
/// set to 0, everything downstream following by [`follows`]'s rule.
/// Negative where the future makes a loss likelier than a win.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Swing {
    pub future: FutureIx,
    pub swing: f64,
}

/// A bet that resolutions have settled, and the future that decided it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// `by`, a future it wins in, happened, and none it loses in can.
    Won { by: FutureIx },
    /// `by`, a future it loses in, happened.
    Lost { by: FutureIx },
    /// None of the futures it wins in happened (`by` is the first).
    Missed { by: FutureIx },
}

impl Verdict {
    /// The future that decided it.
    pub(crate) fn by(self) -> FutureIx {
        let (Verdict::Won { by } | Verdict::Lost { by } | Verdict::Missed { by }) = self;
        by
    }

    pub(crate) fn won(self) -> bool {
        matches!(self, Verdict::Won { .. })
    }
}

/// Whether what resolutions `fixed` settles a bet with these `sides`: it
/// pays off when some winning future happens and no losing one does.
pub(crate) fn verdict(sides: Sides, fixed: &[Option<f64>]) -> Option<Verdict> {
    let is = |f: FutureIx, v: f64| fixed[f] == Some(v);
    if let Some(&by) = sides.loses.iter().find(|&&l| is(l, 1.0)) {
        return Some(Verdict::Lost { by });
    }
    if let [first, ..] = sides.wins
        && sides.wins.iter().all(|&w| is(w, 0.0))
    {
        return Some(Verdict::Missed { by: *first });
    }
    let by = *sides.wins.iter().find(|&&w| is(w, 1.0))?;
    sides
        .loses
        .iter()
        .all(|&l| is(l, 0.0))
        .then_some(Verdict::Won { by })
}

/// Why no single fork separates a bet's wins from its losses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NoFork {
    /// It names no future it loses in.
    NoLosses,
    /// A future it loses in can follow one it wins in, or the other way
    /// round (`from` leads to `to`): no fork can put them on two branches.
    Follows { from: FutureIx, to: FutureIx },
    /// No future leads to all of its winning and losing futures.
    NoCommonAncestor,
    /// Every future that leads to all of them has a branch that leads to
    /// both a win and a loss.
    Entangled,
}

impl Graph {
    /// Resolves `within` and `leads_to` and reports unknown futures and
    /// cycles. `futures` must have unique ids.
    pub(crate) fn build(
        futures: &[Future],
        files: &HashSet<String>,
        diags: &mut Diagnostics,
    ) -> Graph {
        let ids: Vec<FutureId> = futures.iter().map(|f| f.id.clone()).collect();
        let index: HashMap<FutureId, FutureIx> = ids
            .iter()
            .cloned()
            .zip(FutureIx::all(futures.len()))
            .collect();
        let mut graph = Graph {
            dag: DiGraph::with_capacity(futures.len(), futures.len() * 2),
            group: vec![None; futures.len()],
            members: vec![Vec::new(); futures.len()],
            topo: Vec::new(),
            rank: (0..futures.len()).collect(),
            broken: files
                .iter()
                .filter(|f| !index.contains_key(f.as_str()))
                .cloned()
                .collect(),
            ids,
            index,
        };
        for _ in futures {
            graph.dag.add_node(());
        }
        for (i, f) in FutureIx::all(futures.len()).zip(futures) {
            if let Some(w) = &f.within {
                graph.group[i] = graph.resolve_from(w, &f.file, "within", Some(i), diags);
            }
            for edge in &f.leads_to {
                let target = graph.resolve_from(&edge.target, &f.file, "leads_to", Some(i), diags);
                if let Some(j) = target {
                    graph.dag.add_edge(
                        NodeIndex::new(i.get()),
                        NodeIndex::new(j.get()),
                        edge.probability.get(),
                    );
                }
            }
        }
        if graph.report_within_cycles(futures, diags) {
            graph.report_deep_groups(futures, diags);
        }
        graph.report_edge_cycles(futures, diags);
        if !diags.has_errors() {
            graph.topo = petgraph::algo::toposort(&graph.dag, None)
                .map(|order| order.into_iter().map(|n| FutureIx(n.index())).collect())
                .unwrap_or_default();
            for (r, &i) in graph.topo.iter().enumerate() {
                graph.rank[i] = r;
            }
        }
        for i in FutureIx::all(graph.len()) {
            if let Some(g) = graph.group[i] {
                graph.members[g].push(i);
            }
        }
        graph.report_resolutions(futures, diags);
        graph
    }

    /// The index of a referenced future, or an error with the closest id.
    pub(crate) fn resolve(
        &self,
        reference: &Located<FutureId>,
        file: &Path,
        field: &str,
        diags: &mut Diagnostics,
    ) -> Option<FutureIx> {
        self.resolve_from(reference, file, field, None, diags)
    }

    /// [`Graph::resolve`] for a reference written in the file of future
    /// `from`, which is never the one suggested: an id that is close to
    /// the file's own is a typo for a neighbour, not for itself.
    fn resolve_from(
        &self,
        reference: &Located<FutureId>,
        file: &Path,
        field: &str,
        from: Option<FutureIx>,
        diags: &mut Diagnostics,
    ) -> Option<FutureIx> {
        if let Some(&i) = self.index.get(&reference.value) {
            return Some(i);
        }
        if self.broken.contains(reference.value.as_str()) {
            return None;
        }
        let wanted = reference.value.as_str();
        let others = self
            .ids
            .iter()
            .zip(FutureIx::all(self.len()))
            .filter(|&(_, j)| Some(j) != from)
            .map(|(id, j)| (j, id))
            .map(|(_, id)| id.as_str());
        let help = match closest(wanted, others) {
            Some(id) => format!("did you mean `{id}`?"),
            None => format!("create futures/{wanted}.yaml or name an existing future"),
        };
        diags.push(
            Diagnostic::error(
                file,
                reference.pos,
                format!("unknown future `{wanted}` in `{field}`"),
            )
            .with_help(help),
        );
        None
    }

    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    /// `(parent, P(edge))` for each `leads_to` edge into `i`.
    pub(crate) fn parents(&self, i: FutureIx) -> Vec<(FutureIx, f64)> {
        let mut v: Vec<_> = self
            .dag
            .edges_directed(NodeIndex::new(i.get()), petgraph::Direction::Incoming)
            .map(|e| (FutureIx(e.source().index()), *e.weight()))
            .collect();
        v.sort_by_key(|(p, _)| *p);
        v
    }

    /// `(child, P(edge))` for each `leads_to` edge out of `i`.
    pub(crate) fn children(&self, i: FutureIx) -> Vec<(FutureIx, f64)> {
        let mut v: Vec<_> = self
            .dag
            .edges(NodeIndex::new(i.get()))
            .map(|e| (FutureIx(e.target().index()), *e.weight()))
            .collect();
        v.sort_by_key(|(c, _)| *c);
        v
    }

    /// Each future's position in an order where parents come first.
    pub(crate) fn topological_rank(&self) -> Vec<usize> {
        self.rank.clone()
    }

    /// The group `i` is directly within.
    pub(crate) fn group(&self, i: FutureIx) -> Option<FutureIx> {
        self.group[i]
    }

    /// The futures directly within `i`.
    pub(crate) fn members(&self, i: FutureIx) -> &[FutureIx] {
        &self.members[i]
    }

    /// Implied probabilities and disagreement flags, given each future's own
    /// probability (its market value or its author's estimate).
    pub(crate) fn compute(&self, own: &[Option<f64>]) -> Vec<Computed> {
        let mut out = vec![Computed::default(); self.len()];
        for &i in &self.topo {
            let parents = self.parents(i);
            if parents.is_empty() {
                out[i].implied = own[i];
                continue;
            }
            let incoming = incoming(&parents, |p| own[p].or(out[p].implied));
            out[i].incoming = incoming;
            out[i].implied = incoming.map(|s| s.min(1.0));
            out[i].disagreement = matches!((own[i], out[i].implied),
                (Some(o), Some(m)) if disagrees(o, m));
        }
        out
    }

    /// What resolutions fix: each future's value (1 or 0) where a resolved
    /// future or the *assume it happens / does not* rule settles it, the
    /// same rule as the reader's view (`assumed` in `model.js`). A future
    /// that happened fixes its fork siblings at 0 and its parent at 1, up
    /// the chain to a future with no parent or several. Where two
    /// resolutions contradict each other (reported by [`Graph::build`]),
    /// "happened" wins, as in the browser.
    pub(crate) fn settled(&self, resolved: &[(FutureIx, Outcome)]) -> Vec<Option<f64>> {
        let mut fixed = vec![None; self.len()];
        for &(i, outcome) in resolved {
            if outcome == Outcome::Happened {
                for (f, v) in self.happens_with(i) {
                    if fixed[f] != Some(1.0) {
                        fixed[f] = Some(v);
                    }
                }
            }
        }
        for &(i, outcome) in resolved {
            fixed[i] = Some(outcome.value());
        }
        fixed
    }

    /// Whether the resolution of `r` as `outcome` settles future `i`.
    pub(crate) fn fixes(&self, r: FutureIx, outcome: Outcome, i: FutureIx) -> bool {
        r == i || outcome == Outcome::Happened && self.happens_with(r).iter().any(|&(f, _)| f == i)
    }

    /// What *future `i` happens* fixes besides it: each single parent up
    /// the chain at 1, that parent's other children at 0.
    fn happens_with(&self, i: FutureIx) -> Vec<(FutureIx, f64)> {
        let mut out = Vec::new();
        let mut at = i;
        while let [(parent, _)] = self.parents(at).as_slice() {
            for (c, _) in self.children(*parent) {
                if c != at {
                    out.push((c, 0.0));
                }
            }
            out.push((*parent, 1.0));
            at = *parent;
        }
        out
    }

    /// The site's own probabilities once resolutions are applied: a future
    /// `fixed` is its value; every other future with an own probability
    /// follows the arrows from the values `own` gives ([`follows`]), and
    /// one without stays without (its implied probability is computed
    /// from these). With nothing fixed, `own` itself.
    pub(crate) fn settle(&self, own: &[Option<f64>], fixed: &[Option<f64>]) -> Vec<Option<f64>> {
        if fixed.iter().all(Option::is_none) {
            return own.to_vec();
        }
        let site = self.compute(own);
        let mut p: Vec<Option<f64>> = vec![None; self.len()];
        let mut out = vec![None; self.len()];
        for &i in &self.topo {
            let parents = self.parents(i);
            let implied = if parents.is_empty() {
                own[i]
            } else {
                incoming(&parents, |q| p[q]).map(|s| s.min(1.0))
            };
            p[i] = match fixed[i] {
                Some(v) => Some(v),
                None => follows(own[i], site[i.get()].implied, implied),
            };
            out[i] = if fixed[i].is_some() || own[i].is_some() {
                p[i]
            } else {
                None
            };
        }
        out
    }

    /// The probability that a bet with these `sides` pays off, given each
    /// future's effective probability.
    pub(crate) fn payoff(&self, sides: Sides, p: &[Option<f64>]) -> Payoff {
        Shape::of(self, sides).payoff(|f| p[f])
    }

    /// Which of [`Graph::payoff`]'s rules apply to a bet with these
    /// `sides`: what the spreadsheet writes as formulas of live values.
    pub(crate) fn payoff_rule(&self, sides: Sides) -> PayoffRule {
        let s = Shape::of(self, sides);
        PayoffRule {
            wins: s.wins,
            loses: s.loses,
            wins_one_fork: s.wins_one_fork,
            loses_one_fork: s.loses_one_fork,
            all_one_fork: s.all_one_fork,
        }
    }

    /// What moves a bet with these `sides`, given each future's own
    /// probability: the `limit` futures of largest [`Swing`] (by size),
    /// largest first, those that move it by (nearly) nothing left out.
    ///
    /// Only a future it wins or loses in, or an ancestor of one, can move
    /// it. Recomputing the bet for every ancestor costs the square of their
    /// number (a second per build on the benchmark), so each is first given
    /// a cheap upper bound (see [`Scope::bounds`]) and the exact swing is
    /// computed only while a bound could still beat the swings found.
    ///
    /// A future `fixed` by a resolution neither moves a bet nor moves.
    pub(crate) fn swings(
        &self,
        sides: Sides,
        own: &[Option<f64>],
        fixed: &[Option<f64>],
        limit: usize,
    ) -> Vec<Swing> {
        let shape = Shape::of(self, sides);
        let scope = Scope::of(self, &shape.futures(), own, fixed);
        let at = |p: &[Option<f64>]| shape.payoff(|f| scope.at.get(&f).and_then(|&k| p[k]));
        let mut scratch = Scratch::new(&scope);
        let mut exact = |k: usize| {
            let mut with = |x: f64| {
                scope.follow(k, x, &mut scratch);
                at(&scratch.p).midpoint()
            };
            Some(with(1.0)? - with(0.0)?)
        };
        let bounds = scope.bounds(&shape);
        let mut candidates: Vec<usize> = (0..scope.order.len()).collect();
        candidates.sort_by(|&a, &b| bounds[b].total_cmp(&bounds[a]).then(a.cmp(&b)));
        let mut found: Vec<Swing> = Vec::new();
        for k in candidates {
            let beaten =
                limit == 0 || found.len() >= limit && found[limit - 1].swing.abs() >= bounds[k];
            if beaten || bounds[k] <= 1e-9 {
                break;
            }
            if scope.fixed[k] {
                continue;
            }
            let Some(swing) = exact(k).filter(|s| s.abs() > 1e-9) else {
                continue;
            };
            found.push(Swing {
                future: scope.order[k],
                swing,
            });
            found.sort_by(|a, b| {
                b.swing
                    .abs()
                    .total_cmp(&a.swing.abs())
                    .then(a.future.cmp(&b.future))
            });
        }
        found.truncate(limit);
        found
    }

    /// Whether a path of `leads_to` edges goes from `from` to `to`.
    pub(crate) fn leads_eventually(&self, from: FutureIx, to: FutureIx) -> bool {
        petgraph::algo::has_path_connecting(
            &self.dag,
            NodeIndex::new(from.get()),
            NodeIndex::new(to.get()),
            None,
        )
    }

    /// The question a bet really rides on: the nearest common ancestor of
    /// its winning and losing futures whose outgoing branches separate them
    /// (no branch leads to both a win and a loss; some lead to each), or
    /// why there is none.
    pub(crate) fn essential_fork(
        &self,
        wins: &[FutureIx],
        loses: &[FutureIx],
    ) -> Result<FutureIx, NoFork> {
        if wins.is_empty() || loses.is_empty() {
            return Err(NoFork::NoLosses);
        }
        let rank = &self.rank;
        let involved: Vec<FutureIx> = wins.iter().chain(loses).copied().collect();
        let ancestors = |f: FutureIx| -> HashSet<FutureIx> {
            let mut seen = HashSet::from([f]);
            let mut stack = vec![f];
            while let Some(x) = stack.pop() {
                for (p, _) in self.parents(x) {
                    if seen.insert(p) {
                        stack.push(p);
                    }
                }
            }
            seen
        };
        // Each involved future's ancestors (itself included), computed once.
        let of_wins: Vec<HashSet<FutureIx>> = wins.iter().map(|&f| ancestors(f)).collect();
        let of_loses: Vec<HashSet<FutureIx>> = loses.iter().map(|&f| ancestors(f)).collect();
        // A win that leads to a loss (or a loss to a win) puts both on the
        // branch of every fork above them.
        let follows = |from: &[FutureIx], to: &[FutureIx], of_to: &[HashSet<FutureIx>]| {
            to.iter().zip(of_to).find_map(|(&t, a)| {
                from.iter()
                    .find(|&&f| f != t && a.contains(&f))
                    .map(|&f| NoFork::Follows { from: f, to: t })
            })
        };
        if let Some(why) =
            follows(wins, loses, &of_loses).or_else(|| follows(loses, wins, &of_wins))
        {
            return Err(why);
        }
        let mut common = of_wins[0].clone();
        for a in of_wins.iter().chain(&of_loses) {
            common.retain(|x| a.contains(x));
        }
        let reaches =
            |from: FutureIx, sets: &[HashSet<FutureIx>]| sets.iter().any(|a| a.contains(&from));
        let mut candidates: Vec<FutureIx> = common
            .into_iter()
            .filter(|c| !involved.contains(c))
            .collect();
        if candidates.is_empty() {
            return Err(NoFork::NoCommonAncestor);
        }
        candidates.sort_by_key(|&c| std::cmp::Reverse(rank[c]));
        let found = candidates.into_iter().find(|&c| {
            let branches: Vec<(bool, bool)> = self
                .children(c)
                .into_iter()
                .map(|(b, _)| (reaches(b, &of_wins), reaches(b, &of_loses)))
                .collect();
            branches.iter().all(|&(w, l)| !(w && l))
                && branches.iter().any(|&(w, _)| w)
                && branches.iter().any(|&(_, l)| l)
        });
        found.ok_or(NoFork::Entangled)
    }

    /// True when every future in `set` has exactly one parent, the same for
    /// all: then they are branches of that fork and cannot both happen.
    fn alternatives_of_one_fork(&self, set: &[FutureIx]) -> bool {
        let mut fork = None;
        set.iter().all(|&f| match self.parents(f).as_slice() {
            [(parent, _)] => *fork.get_or_insert(*parent) == *parent,
            _ => false,
        })
    }

    /// Reports each cycle of `within`; true when there is none.
    /// Reports resolutions that cannot stand: a group's (it is settled by
    /// its members), and one that contradicts what an earlier one fixes
    /// (see [`Graph::settled`]).
    fn report_resolutions(&self, futures: &[Future], diags: &mut Diagnostics) {
        let mut fixed: HashMap<FutureIx, (f64, FutureIx)> = HashMap::new();
        for (i, f) in FutureIx::all(futures.len()).zip(futures) {
            let Some(r) = &f.resolved else { continue };
            if !self.members[i].is_empty() {
                diags.push(
                    Diagnostic::error(&f.file, r.pos, format!("`{}` is a group and cannot be resolved", f.id))
                        .with_help(match self.members[i].len() {
                            1 => "a future is within it: resolve that one instead, and remove `resolved:` here".to_string(),
                            n => format!("{n} futures are within it: resolve those instead, and remove `resolved:` here"),
                        }),
                );
                continue;
            }
            let mut fixes = vec![(i, r.outcome.value())];
            if r.outcome == Outcome::Happened {
                fixes.extend(self.happens_with(i));
            }
            let clash = fixes.iter().find_map(|&(x, v)| {
                let &(was, by) = fixed.get(&x)?;
                (was != v).then_some((x, v, by))
            });
            if let Some((x, v, by)) = clash {
                let word = |v: f64| {
                    if v == 1.0 {
                        "happened"
                    } else {
                        "did not happen"
                    }
                };
                diags.push(
                    Diagnostic::error(&f.file, r.pos, format!("this resolution contradicts the one of `{}`", futures[by.get()].id))
                        .with_help(format!(
                            "by `{}` (`{}`), `{}` {}; by this one it {}. Alternatives of one fork cannot both happen, and a future that happened means its only parent did: correct one of the two `resolved:`",
                            futures[by.get()].id, futures[by.get()].file.display(), futures[x.get()].id, word(1.0 - v), word(v)
                        )),
                );
                continue;
            }
            for (x, v) in fixes {
                fixed.entry(x).or_insert((v, i));
            }
        }
    }

    fn report_within_cycles(&self, futures: &[Future], diags: &mut Diagnostics) -> bool {
        let errors = diags.error_count();
        let mut state = vec![0u8; self.len()]; // 0 new, 1 on the current chain, 2 done
        for start in FutureIx::all(self.len()) {
            let mut chain = Vec::new();
            let mut at = Some(start);
            while let Some(i) = at {
                match state[i] {
                    2 => break,
                    1 => {
                        let from = chain.iter().position(|&c| c == i).unwrap_or(0);
                        let cycle = &chain[from..];
                        let names = self.path_text(cycle.iter().chain([&i]).copied());
                        let first = cycle.iter().copied().min().unwrap_or(i);
                        let pos = futures[first].within.as_ref().map_or(Pos::START, |w| w.pos);
                        diags.push(
                            Diagnostic::error(
                                &futures[first].file,
                                pos,
                                format!("cycle in `within`: {names}"),
                            )
                            .with_help("a group cannot be inside itself; remove `within` from one of these futures"),
                        );
                        break;
                    }
                    _ => {
                        state[i] = 1;
                        chain.push(i);
                        at = self.group[i];
                    }
                }
            }
            for c in chain {
                state[c] = 2;
            }
        }
        diags.error_count() == errors
    }

    /// Reports each future within more than [`MAX_NESTING`] groups, at the
    /// `within` that takes it past the limit (those below it follow from it).
    /// `within` must have no cycle.
    fn report_deep_groups(&self, futures: &[Future], diags: &mut Diagnostics) {
        let mut depth: Vec<Option<usize>> = vec![None; self.len()];
        for start in FutureIx::all(self.len()) {
            if depth[start].is_some() {
                continue;
            }
            let (mut chain, mut at, mut known) = (vec![start], start, 0);
            while let Some(g) = self.group[at] {
                if let Some(d) = depth[g] {
                    known = d + 1;
                    break;
                }
                chain.push(g);
                at = g;
            }
            for (k, &c) in chain.iter().rev().enumerate() {
                depth[c] = Some(known + k);
            }
        }
        for i in FutureIx::all(self.len()) {
            if depth[i] != Some(MAX_NESTING + 1) {
                continue;
            }
            let groups = self.path_text(std::iter::successors(Some(i), |&c| self.group[c]));
            let pos = futures[i].within.as_ref().map_or(Pos::START, |w| w.pos);
            diags.push(
                Diagnostic::error(
                    &futures[i].file,
                    pos,
                    format!("`{}` is within {} nested groups, more than {MAX_NESTING}: {groups}", self.ids[i], MAX_NESTING + 1),
                )
                .with_help(format!("name a group higher up in `within`: the map draws each group inside its group's box, and past {MAX_NESTING} levels nothing in it can be read")),
            );
        }
    }

    /// `a → b → c` for a path of futures; a long one is cut in the middle.
    fn path_text(&self, path: impl Iterator<Item = FutureIx>) -> String {
        let names: Vec<&str> = path.map(|c| self.ids[c].as_str()).collect();
        if names.len() <= 2 * PATH_SHOWN {
            return names.join(" → ");
        }
        format!(
            "{} → … ({} more) → {}",
            names[..PATH_SHOWN].join(" → "),
            names.len() - 2 * PATH_SHOWN,
            names[names.len() - PATH_SHOWN..].join(" → ")
        )
    }

    fn report_edge_cycles(&self, futures: &[Future], diags: &mut Diagnostics) {
        for scc in tarjan_scc(&self.dag) {
            if scc.len() < 2 {
                continue;
            }
            let start = FutureIx(scc.iter().map(|n| n.index()).min().unwrap_or(0));
            let cycle = self.cycle_through(start, &scc);
            let names = self.path_text(cycle.iter().chain([&start]).copied());
            let next = cycle.get(1).copied().unwrap_or(start);
            let pos = futures[start]
                .leads_to
                .iter()
                .find(|e| e.target.value == self.ids[next])
                .map_or(Pos::START, |e| e.target.pos);
            diags.push(
                Diagnostic::error(
                    &futures[start].file,
                    pos,
                    format!("cycle in `leads_to`: {names}"),
                )
                .with_help("time flows one way: remove one of these edges"),
            );
        }
    }

    /// A path from `start` back to it inside one strongly connected part.
    fn cycle_through(&self, start: FutureIx, scc: &[NodeIndex]) -> Vec<FutureIx> {
        let members: HashSet<usize> = scc.iter().map(|s| s.index()).collect();
        let inside = |n: FutureIx| members.contains(&n.get());
        let mut path = vec![start];
        let mut seen = vec![false; self.len()];
        seen[start] = true;
        while let Some(&at) = path.last() {
            let children = self.children(at);
            if children.iter().any(|&(c, _)| c == start) && path.len() > 1 {
                return path;
            }
            match children.iter().find(|&&(c, _)| inside(c) && !seen[c]) {
                Some(&(c, _)) => {
                    seen[c] = true;
                    path.push(c);
                }
                None => {
                    path.pop();
                }
            }
        }
        vec![start]
    }
}

/// Σ P(parent) × P(edge) over `parents`, given each parent's effective
/// probability `p`; unknown when some parent's is. The one rule of implied
/// probability, used by [`Graph::compute`] and [`Graph::swings`].
fn incoming<I: Copy>(parents: &[(I, f64)], p: impl Fn(I) -> Option<f64>) -> Option<f64> {
    parents
        .iter()
        .map(|&(q, edge)| p(q).map(|pq| pq * edge))
        .sum()
}

/// "Changes follow the arrows": the value of a future that is not set,
/// given its own probability and its implied probability at the site's
/// values and now. It moves by as much as its implied probability moved,
/// kept in [0, 1], so the part of its own probability the graph does not
/// explain stays; one without an own probability is its implied one.
fn follows(own: Option<f64>, implied_site: Option<f64>, implied_now: Option<f64>) -> Option<f64> {
    match (own, implied_site, implied_now) {
        (Some(o), Some(site), Some(now)) => Some((o + (now - site)).clamp(0.0, 1.0)),
        (Some(o), _, _) => Some(o),
        (None, _, now) => now,
    }
}

/// The chance that some future of a set happens, from their probabilities
/// (`one_fork`: they are alternatives of one fork): their sum where they are
/// one future or alternatives, else the bounds [max pᵢ, min(1, Σ pᵢ)].
fn any_of(values: impl Iterator<Item = Option<f64>>, one_fork: bool) -> Payoff {
    let Some(values) = values.collect::<Option<Vec<f64>>>() else {
        return Payoff::Unknown;
    };
    let sum: f64 = values.iter().sum();
    match values.as_slice() {
        [] => Payoff::Unknown,
        [only] => Payoff::Exact(*only),
        _ if one_fork => Payoff::Exact(sum.min(1.0)),
        _ => Payoff::Range(values.iter().copied().fold(0.0, f64::max), sum.min(1.0)),
    }
}

/// A bet's sides as [`Graph::payoff`] reads them: each future once, in the
/// site's order, and which of them are alternatives of one fork. P(W) (and
/// P(L)) is one future's probability, the sum of alternatives of one fork
/// (capped at 1), else the bounds [max, min(1, sum)]; the payoff is P(W)
/// where there is no losing future or `all_one_fork`, else bounds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PayoffRule {
    pub wins: Vec<FutureIx>,
    pub loses: Vec<FutureIx>,
    pub wins_one_fork: bool,
    pub loses_one_fork: bool,
    pub all_one_fork: bool,
}

/// A bet's sides as the payoff rule reads them: which of them are
/// alternatives of one fork.
struct Shape {
    wins: Vec<FutureIx>,
    loses: Vec<FutureIx>,
    wins_one_fork: bool,
    loses_one_fork: bool,
    /// Its winning and losing futures are all alternatives of one fork:
    /// then a win excludes every loss, and the payoff is P(W).
    all_one_fork: bool,
}

impl Shape {
    fn of(graph: &Graph, sides: Sides) -> Shape {
        let wins = distinct(sides.wins);
        let loses = distinct(sides.loses);
        let all = distinct(&[wins.as_slice(), loses.as_slice()].concat());
        Shape {
            wins_one_fork: graph.alternatives_of_one_fork(&wins),
            loses_one_fork: graph.alternatives_of_one_fork(&loses),
            all_one_fork: graph.alternatives_of_one_fork(&all),
            wins,
            loses,
        }
    }

    /// Every future the bet names, once.
    fn futures(&self) -> Vec<FutureIx> {
        distinct(&[self.wins.as_slice(), self.loses.as_slice()].concat())
    }

    /// The bet's chance of paying off given each future's probability `p`:
    /// P(W) with no losing futures (or all of one fork), otherwise
    /// [max(0, P(W)low − P(L)high), min(P(W)high, 1 − P(L)low)].
    fn payoff(&self, p: impl Fn(FutureIx) -> Option<f64>) -> Payoff {
        let w = any_of(self.wins.iter().map(|&f| p(f)), self.wins_one_fork);
        if self.loses.is_empty() || self.all_one_fork {
            return w;
        }
        let l = any_of(self.loses.iter().map(|&f| p(f)), self.loses_one_fork);
        match (w.bounds(), l.bounds()) {
            (Some((w_lo, w_hi)), Some((l_lo, l_hi))) => {
                Payoff::Range((w_lo - l_hi).max(0.0), w_hi.min(1.0 - l_lo))
            }
            _ => Payoff::Unknown,
        }
    }
}

fn distinct(futures: &[FutureIx]) -> Vec<FutureIx> {
    let mut v = futures.to_vec();
    v.sort_unstable();
    v.dedup();
    v
}

/// The futures that can move a bet's payoff — those it names and their
/// ancestors, parents first — with what recomputing them needs: a swing
/// costs the size of this part of the graph rather than of the whole.
/// Every parent of a future here is here too.
struct Scope {
    /// Futures, parents first.
    order: Vec<FutureIx>,
    /// Each future's position in `order`.
    at: HashMap<FutureIx, usize>,
    own: Vec<Option<f64>>,
    /// Each one's value is fixed by a resolution.
    fixed: Vec<bool>,
    /// Each one's parents as positions in `order`, with P(edge).
    parents: Vec<Vec<(usize, f64)>>,
    /// Each one's children here, as positions.
    children: Vec<Vec<usize>>,
    /// Each one's implied probability at the site's values.
    implied: Vec<Option<f64>>,
    /// Each one's effective probability at the site's values.
    base: Vec<Option<f64>>,
}

/// The values [`Scope::follow`] works on, kept between swings so each
/// undoes only what the last one moved.
struct Scratch {
    /// Every future's value: the site's, except the `moved` ones.
    p: Vec<Option<f64>>,
    moved: Vec<usize>,
    /// Positions to recompute, smallest (parents) first; one may be queued
    /// by several parents.
    queue: BinaryHeap<Reverse<usize>>,
}

impl Scratch {
    fn new(scope: &Scope) -> Scratch {
        Scratch {
            p: scope.base.clone(),
            moved: Vec::new(),
            queue: BinaryHeap::new(),
        }
    }
}

impl Scope {
    fn of(graph: &Graph, named: &[FutureIx], own: &[Option<f64>], fixed: &[Option<f64>]) -> Scope {
        let mut found: HashSet<FutureIx> = named.iter().copied().collect();
        let mut stack = named.to_vec();
        while let Some(x) = stack.pop() {
            for (p, _) in graph.parents(x) {
                if found.insert(p) {
                    stack.push(p);
                }
            }
        }
        let mut order: Vec<FutureIx> = found.into_iter().collect();
        order.sort_unstable_by_key(|&f| graph.rank[f]);
        let at: HashMap<FutureIx, usize> = order.iter().enumerate().map(|(k, &f)| (f, k)).collect();
        let parents: Vec<Vec<(usize, f64)>> = order
            .iter()
            .map(|&f| {
                graph
                    .parents(f)
                    .into_iter()
                    .map(|(p, e)| (at[&p], e))
                    .collect()
            })
            .collect();
        let mut children = vec![Vec::new(); order.len()];
        for (j, ps) in parents.iter().enumerate() {
            for &(q, _) in ps {
                children[q].push(j);
            }
        }
        let mut scope = Scope {
            children,
            own: order.iter().map(|&f| own[f]).collect(),
            fixed: order.iter().map(|&f| fixed[f].is_some()).collect(),
            implied: vec![None; order.len()],
            base: vec![None; order.len()],
            order,
            at,
            parents,
        };
        for j in 0..scope.order.len() {
            scope.implied[j] = scope.implied_from(j, &scope.base);
            scope.base[j] = scope.own[j].or(scope.implied[j]);
        }
        scope
    }

    /// The implied probability of the future at `j` given the effective
    /// probabilities `p` of its parents: [`incoming`], capped at 1; a root's
    /// is its own.
    fn implied_from(&self, j: usize, p: &[Option<f64>]) -> Option<f64> {
        match self.parents[j].as_slice() {
            [] => self.own[j],
            parents => incoming(parents, |q| p[q]).map(|s| s.min(1.0)),
        }
    }

    /// Sets `p` to every future's value with the one at position `k` set to
    /// `value` and the rest following by [`follows`]: only those after `k`
    /// can move, and those not downstream of it come out as they were.
    ///
    /// Only futures with a parent that moved are recomputed (parents first:
    /// positions are in that order), so one swing costs what it moves.
    fn follow(&self, k: usize, value: f64, s: &mut Scratch) {
        for j in s.moved.drain(..) {
            s.p[j] = self.base[j];
        }
        s.p[k] = Some(value);
        s.moved.push(k);
        s.queue.extend(self.children[k].iter().map(|&c| Reverse(c)));
        let mut last = None;
        while let Some(Reverse(j)) = s.queue.pop() {
            if last == Some(j) || self.fixed[j] {
                continue;
            }
            last = Some(j);
            let now = follows(self.own[j], self.implied[j], self.implied_from(j, &s.p));
            if now != s.p[j] {
                s.p[j] = now;
                s.moved.push(j);
                s.queue.extend(self.children[j].iter().map(|&c| Reverse(c)));
            }
        }
    }

    /// For each position, a bound on the size of its swing. Were nothing
    /// kept in [0, 1] or capped, setting future k to x would move every
    /// future j by (x − its value) × D(k, j), the sum over paths from k to
    /// j of the product of their edges' probabilities, found for all k at
    /// once by one backward pass per named future. Edges are positive, so
    /// every future moves the same way and the clipping only shortens
    /// moves: each named future lands between its value and that linear
    /// guess. The payoff grows with wins and falls with losses, so its
    /// extremes over those intervals bound the swing.
    ///
    /// A future with no value stays without one whatever a future with a
    /// value is set to, so a payoff that needs it has no swing (bound 0);
    /// setting a future that has no value can make others known, so it
    /// gets no bound (infinite) and is computed exactly.
    fn bounds(&self, shape: &Shape) -> Vec<f64> {
        let n = self.order.len();
        // A future both won and lost in moves the payoff both ways: no bound.
        if shape.wins.iter().any(|w| shape.loses.contains(w)) {
            return vec![f64::INFINITY; n];
        }
        let named: Vec<usize> = shape.futures().iter().map(|f| self.at[f]).collect();
        let reach: Vec<Vec<f64>> = named.iter().map(|&t| self.paths_to(t)).collect();
        let mut moved: Vec<(FutureIx, Option<(f64, f64)>)> = Vec::with_capacity(named.len());
        (0..n)
            .map(|k| {
                let Some(from) = self.base[k] else {
                    return f64::INFINITY;
                };
                // The payoff's extremes with future k at x: wins at the top
                // of their intervals and losses at the bottom, and the reverse.
                let mut ends = |x: f64| {
                    moved.clear();
                    moved.extend(named.iter().zip(&reach).map(|(&t, d)| {
                        let range = self.base[t].map(|b| {
                            let guess = (b + (x - from) * d[k]).clamp(0.0, 1.0);
                            (b.min(guess), b.max(guess))
                        });
                        (self.order[t], range)
                    }));
                    let end = |f: FutureIx, high: bool| {
                        let (lo, hi) = moved.iter().find(|m| m.0 == f)?.1?;
                        Some(if high { hi } else { lo })
                    };
                    let is_win = |f: FutureIx| shape.wins.contains(&f);
                    let up = shape.payoff(|f| end(f, is_win(f))).midpoint()?;
                    let down = shape.payoff(|f| end(f, !is_win(f))).midpoint()?;
                    Some((up, down))
                };
                match (ends(1.0), ends(0.0)) {
                    (Some((up1, down1)), Some((up0, down0))) => {
                        (up1 - down0).abs().max((down1 - up0).abs())
                    }
                    _ => 0.0,
                }
            })
            .collect()
    }

    /// D(k, t) for every position k: the sum over paths from k to the
    /// future at `t` of the product of their edges (1 for t itself).
    fn paths_to(&self, t: usize) -> Vec<f64> {
        let mut d = vec![0.0; self.order.len()];
        d[t] = 1.0;
        for j in (0..=t).rev() {
            if d[j] != 0.0 {
                for &(q, e) in &self.parents[j] {
                    d[q] += d[j] * e;
                }
            }
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::futures::parse;

    fn ix<const N: usize>(futures: [usize; N]) -> [FutureIx; N] {
        futures.map(FutureIx)
    }

    /// Builds a graph from `(id, yaml)` pairs.
    fn graph(files: &[(&str, &str)]) -> (Vec<Future>, Graph, Vec<String>) {
        let mut diags = Diagnostics::default();
        let futures: Vec<Future> = files
            .iter()
            .map(|(id, yaml)| {
                parse(Path::new(&format!("futures/{id}.yaml")), yaml, &mut diags)
                    .unwrap_or_else(|| panic!("{id}: {diags:?}"))
            })
            .collect();
        let g = Graph::build(&futures, &HashSet::new(), &mut diags);
        let errs = diags
            .into_sorted()
            .iter()
            .map(ToString::to_string)
            .collect();
        (futures, g, errs)
    }

    fn own(futures: &[Future]) -> Vec<Option<f64>> {
        futures
            .iter()
            .map(|f| f.estimate.map(|p| p.get()))
            .collect()
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    /// A bet's sides from future positions.
    fn sides<'a>(wins: &'a [FutureIx], loses: &'a [FutureIx]) -> Sides<'a> {
        Sides { wins, loses }
    }

    /// Every future's value with `x` set to `value`, the rule of
    /// "Changes follow the arrows" applied to the whole graph as the brief
    /// states it: what [`Graph::swings`] computes on a part of it.
    fn follow_whole(g: &Graph, own: &[Option<f64>], x: usize, value: f64) -> Vec<Option<f64>> {
        let site = g.compute(own);
        let mut p: Vec<Option<f64>> = vec![None; g.len()];
        for &i in &g.topo {
            let parents = g.parents(i);
            p[i] = if i.get() == x {
                Some(value)
            } else if parents.is_empty() {
                own[i]
            } else {
                let now = incoming(&parents, |q| p[q]).map(|s| s.min(1.0));
                match (own[i], site[i].implied, now) {
                    (Some(o), Some(then), Some(now)) => Some((o + (now - then)).clamp(0.0, 1.0)),
                    (Some(o), _, _) => Some(o),
                    (None, _, now) => now,
                }
            };
        }
        p
    }

    #[test]
    fn implied_probability_follows_chains_and_diamonds() {
        // root (0.8) → a 0.5, b 0.3; a → d 0.4; b → d 0.5 (a diamond);
        // d has no estimate, e has one that disagrees.
        let (f, g, errs) = graph(&[
            (
                "root",
                "title: R\nprobability: 0.8\nleads_to:\n  - {future: a, probability: 0.5}\n  - {future: b, probability: 0.3}\n",
            ),
            (
                "a",
                "title: A\nleads_to:\n  - {future: d, probability: 0.4}\n",
            ),
            (
                "b",
                "title: B\nprobability: 0.2\nleads_to:\n  - {future: d, probability: 0.5}\n",
            ),
            (
                "d",
                "title: D\nleads_to:\n  - {future: e, probability: 0.9}\n",
            ),
            ("e", "title: E\nprobability: 0.5\n"),
        ]);
        assert!(errs.is_empty(), "{errs:?}");
        let c = g.compute(&own(&f));
        assert!(close(c[0].implied, 0.8)); // a root's implied is its own
        assert!(close(c[1].implied, 0.4)); // 0.8 × 0.5
        assert!(close(c[2].implied, 0.24)); // 0.8 × 0.3
        // a has no estimate, so its implied 0.4 counts; b's own 0.2 counts:
        assert!(close(c[3].implied, 0.4 * 0.4 + 0.2 * 0.5)); // 0.26
        assert!(close(c[4].implied, 0.26 * 0.9)); // 0.234
        assert!(c[4].disagreement); // |0.5 − 0.234| > 0.15
        assert!(!c[2].disagreement); // |0.2 − 0.24| ≤ 0.15
    }

    #[test]
    fn a_difference_of_exactly_fifteen_points_is_not_a_disagreement() {
        let (f, g, errs) = graph(&[
            (
                "r",
                "title: R\nprobability: 0.5\nleads_to:\n  - {future: c, probability: 0.7}\n",
            ),
            ("c", "title: C\nprobability: 0.5\n"),
        ]);
        assert!(errs.is_empty(), "{errs:?}");
        let c = g.compute(&own(&f));
        // 0.5 × 0.7 is 0.35, and 0.5 − 0.35 is a hair above 0.15 in floating point.
        assert!((0.5f64 - 0.5 * 0.7).abs() > DISAGREEMENT);
        assert!(!c[1].disagreement);
        assert!(disagrees(0.5, 0.349));
    }

    #[test]
    fn overlapping_parents_are_capped_but_reported() {
        let (f, g, _) = graph(&[
            (
                "p",
                "title: P\nprobability: 0.9\nleads_to:\n  - {future: x, probability: 0.9}\n",
            ),
            (
                "q",
                "title: Q\nprobability: 0.8\nleads_to:\n  - {future: x, probability: 0.9}\n",
            ),
            ("x", "title: X\n"),
        ]);
        let c = g.compute(&own(&f));
        assert!(close(c[2].incoming, 0.81 + 0.72));
        assert!(close(c[2].implied, 1.0));
    }

    #[test]
    fn unknown_root_probability_leaves_descendants_unknown() {
        let (f, g, _) = graph(&[
            (
                "p",
                "title: P\nleads_to:\n  - {future: x, probability: 0.5}\n",
            ),
            ("x", "title: X\n"),
        ]);
        assert_eq!(g.compute(&own(&f))[1].implied, None);
    }

    /// fork (0.5) → a 0.6, b 0.3, then `roots`; each future's effective
    /// probability.
    fn fork_and_roots(roots: &[(&str, &str)]) -> (Graph, Vec<Option<f64>>) {
        let fork = [
            (
                "fork",
                "title: F\nprobability: 0.5\nleads_to:\n  - {future: a, probability: 0.6}\n  - {future: b, probability: 0.3}\n",
            ),
            ("a", "title: A\n"),
            ("b", "title: B\n"),
        ];
        let (f, g, _) = graph(&[&fork[..], roots].concat());
        let c = g.compute(&own(&f));
        let p = own(&f)
            .iter()
            .zip(&c)
            .map(|(o, c)| o.or(c.implied))
            .collect();
        (g, p)
    }

    #[test]
    fn bets_on_one_fork_are_exact_others_are_bounds() {
        let (g, p) = fork_and_roots(&[("c", "title: C\nprobability: 0.4\n")]);
        let wins = |w: &[FutureIx]| g.payoff(sides(w, &[]), &p);
        match wins(&ix([1, 2])) {
            Payoff::Exact(x) => assert!((x - 0.45).abs() < 1e-9, "{x}"), // 0.3 + 0.15
            other => panic!("{other:?}"),
        }
        match wins(&ix([1, 3])) {
            Payoff::Range(lo, hi) => assert!((lo - 0.4).abs() < 1e-9 && (hi - 0.7).abs() < 1e-9),
            other => panic!("{other:?}"),
        }
        assert!(matches!(wins(&ix([3])), Payoff::Exact(x) if (x - 0.4).abs() < 1e-9));
        assert_eq!(
            g.payoff(sides(&ix([0]), &[]), &[None, None, None, None]),
            Payoff::Unknown
        );
    }

    #[test]
    fn a_losing_future_bounds_the_payoff() {
        // c (0.4) and d (0.9) are roots beside the fork.
        let (g, p) = fork_and_roots(&[
            ("c", "title: C\nprobability: 0.4\n"),
            ("d", "title: D\nprobability: 0.9\n"),
        ]);
        let pays = |w: &[FutureIx], l: &[FutureIx]| g.payoff(sides(w, l), &p);
        // Wins in a (0.3), loses in b: one fork's branches, so a win is no loss.
        assert!(matches!(pays(&ix([1]), &ix([2])), Payoff::Exact(x) if (x - 0.3).abs() < 1e-9));
        // Loses in c (0.4): [max(0, 0.3 − 0.4), min(0.3, 1 − 0.4)].
        match pays(&ix([1]), &ix([3])) {
            Payoff::Range(lo, hi) => assert!(lo == 0.0 && (hi - 0.3).abs() < 1e-9, "{lo} {hi}"),
            other => panic!("{other:?}"),
        }
        // Wins in d (0.9), loses in c: [0.9 − 0.4, min(0.9, 0.6)].
        match pays(&ix([4]), &ix([3])) {
            Payoff::Range(lo, hi) => {
                assert!(
                    (lo - 0.5).abs() < 1e-9 && (hi - 0.6).abs() < 1e-9,
                    "{lo} {hi}"
                )
            }
            other => panic!("{other:?}"),
        }
        // A loss with no probability makes the payoff unknown.
        let mut q = p.clone();
        q[3] = None;
        assert_eq!(g.payoff(sides(&ix([1]), &ix([3])), &q), Payoff::Unknown);
    }

    #[test]
    fn children_of_one_fork_with_another_parent_are_not_alternatives() {
        let (f, g, _) = graph(&[
            (
                "fork",
                "title: F\nprobability: 0.5\nleads_to:\n  - {future: a, probability: 0.6}\n  - {future: b, probability: 0.3}\n",
            ),
            (
                "other",
                "title: O\nprobability: 0.5\nleads_to:\n  - {future: b, probability: 0.5}\n",
            ),
            ("a", "title: A\n"),
            ("b", "title: B\n"),
        ]);
        let c = g.compute(&own(&f));
        let p: Vec<Option<f64>> = c.iter().map(|c| c.implied).collect();
        assert!(matches!(
            g.payoff(sides(&ix([2, 3]), &[]), &p),
            Payoff::Range(..)
        ));
    }

    #[test]
    fn the_essential_fork_separates_wins_from_losses() {
        // root → {ai, stall}; ai → {fleets, throttle}; a bet wins in fleets
        // and loses in throttle: the fork is `ai`, not `root`.
        let (_, g, _) = graph(&[
            (
                "root",
                "title: R\nleads_to:\n  - {future: ai, probability: 0.5}\n  - {future: stall, probability: 0.5}\n",
            ),
            (
                "ai",
                "title: A\nleads_to:\n  - {future: fleets, probability: 0.5}\n  - {future: throttle, probability: 0.5}\n",
            ),
            ("stall", "title: S\n"),
            ("fleets", "title: F\n"),
            ("throttle", "title: T\n"),
        ]);
        assert_eq!(g.essential_fork(&ix([3]), &ix([4])), Ok(FutureIx(1)));
        // Winning in fleets and losing in stall: only the root separates them.
        assert_eq!(g.essential_fork(&ix([3]), &ix([2])), Ok(FutureIx(0)));
        // Winning in both branches of `ai` and losing in stall.
        assert_eq!(g.essential_fork(&ix([3, 4]), &ix([2])), Ok(FutureIx(0)));
        assert_eq!(g.essential_fork(&ix([3]), &[]), Err(NoFork::NoLosses));
    }

    #[test]
    fn without_an_essential_fork_the_reason_is_named() {
        // root → {ai, stall}; ai → {fleets, throttle}; fleets → boom;
        // lone has no parent and no child.
        let (_, g, errs) = graph(&[
            (
                "root",
                "title: R\nleads_to:\n  - {future: ai, probability: 0.5}\n  - {future: stall, probability: 0.5}\n",
            ),
            (
                "ai",
                "title: A\nleads_to:\n  - {future: fleets, probability: 0.5}\n  - {future: throttle, probability: 0.5}\n",
            ),
            ("stall", "title: S\n"),
            (
                "fleets",
                "title: F\nleads_to:\n  - {future: boom, probability: 0.5}\n",
            ),
            ("throttle", "title: T\n"),
            ("boom", "title: B\n"),
            ("lone", "title: L\n"),
        ]);
        assert!(errs.is_empty(), "{errs:?}");
        // Losing in boom, which follows fleets, a win: both sit on one branch.
        assert_eq!(
            g.essential_fork(&ix([3]), &ix([5])),
            Err(NoFork::Follows {
                from: FutureIx(3),
                to: FutureIx(5)
            })
        );
        // And the other way round: the win follows the loss.
        assert_eq!(
            g.essential_fork(&ix([5]), &ix([3])),
            Err(NoFork::Follows {
                from: FutureIx(3),
                to: FutureIx(5)
            })
        );
        // Nothing leads to both lone and stall.
        assert_eq!(
            g.essential_fork(&ix([6]), &ix([2])),
            Err(NoFork::NoCommonAncestor)
        );
        // Winning in fleets and stall, losing in throttle: ai separates
        // fleets from throttle but not stall; root's branch `ai` leads to a
        // win and the loss.
        assert_eq!(
            g.essential_fork(&ix([3, 2]), &ix([4])),
            Err(NoFork::Entangled)
        );
    }

    /// Own probabilities by id, `None` for the rest.
    fn own_of(f: &[Future], values: &[(&str, f64)]) -> Vec<Option<f64>> {
        f.iter()
            .map(|x| {
                values
                    .iter()
                    .find(|(id, _)| *id == x.id.as_str())
                    .map(|&(_, v)| v)
            })
            .collect()
    }

    /// The settlement test graph: a fork (root → a | b), a diamond (a, b →
    /// c), a single-parent child (a → d) and an unrelated root e.
    fn resolvable(resolved: &[(&str, &str)]) -> (Graph, Vec<Option<f64>>, Vec<Option<f64>>) {
        let with = |id: &str, yaml: &str| {
            let r = resolved.iter().find(|(f, _)| *f == id).map_or(String::new(), |(_, o)| {
                format!("resolved: {{outcome: {o}, on: 2026-01-01, source: https://example.org/{id}}}\n")
            });
            format!("{yaml}{r}")
        };
        let files: Vec<(&str, String)> = vec![
            (
                "root",
                with(
                    "root",
                    "title: R\nprobability: 0.5\nleads_to:\n  - {future: a, probability: 0.6}\n  - {future: b, probability: 0.4}\n",
                ),
            ),
            (
                "a",
                with(
                    "a",
                    "title: A\nprobability: 0.35\nleads_to:\n  - {future: c, probability: 0.5}\n  - {future: d, probability: 0.5}\n",
                ),
            ),
            (
                "b",
                with(
                    "b",
                    "title: B\nprobability: 0.2\nleads_to:\n  - {future: c, probability: 0.5}\n",
                ),
            ),
            ("c", with("c", "title: C\nprobability: 0.3\n")),
            ("d", with("d", "title: D\n")),
            ("e", with("e", "title: E\nprobability: 0.7\n")),
        ];
        let refs: Vec<(&str, &str)> = files.iter().map(|(i, y)| (*i, y.as_str())).collect();
        let (f, g, errs) = graph(&refs);
        assert!(errs.is_empty(), "{errs:?}");
        let list: Vec<(FutureIx, Outcome)> = FutureIx::all(f.len())
            .zip(&f)
            .filter_map(|(i, x)| Some((i, x.resolved.as_ref()?.outcome)))
            .collect();
        let fixed = g.settled(&list);
        let shown = g.settle(&own(&f), &fixed);
        (g, fixed, shown)
    }

    fn effective(g: &Graph, shown: &[Option<f64>]) -> Vec<Option<f64>> {
        g.compute(shown)
            .iter()
            .zip(shown)
            .map(|(c, s)| s.or(c.implied))
            .map(|p| p.map(|p| (p * 1e9).round() / 1e9))
            .collect()
    }

    #[test]
    fn a_future_that_did_not_happen_moves_what_follows_it_and_nothing_else() {
        let (g, fixed, shown) = resolvable(&[("b", "did-not-happen")]);
        assert_eq!(fixed, [None, None, Some(0.0), None, None, None]);
        // c: own 0.3, implied 0.35×0.5 + 0.2×0.5 = 0.275 before and
        // 0.35×0.5 + 0×0.5 = 0.175 after: it moves by −0.1. d has no own
        // probability: its implied 0.175 does not change; root, a and e stay.
        assert_eq!(
            effective(&g, &shown),
            [
                Some(0.5),
                Some(0.35),
                Some(0.0),
                Some(0.2),
                Some(0.175),
                Some(0.7)
            ]
        );
    }

    #[test]
    fn a_future_that_happened_settles_its_fork_and_its_parent() {
        let (g, fixed, shown) = resolvable(&[("a", "happened")]);
        // a = 1; its only parent root happened; b, root's other child, did not.
        assert_eq!(fixed, [Some(1.0), Some(1.0), Some(0.0), None, None, None]);
        // c: implied 1×0.5 + 0×0.5 = 0.5, up 0.225 from 0.275: 0.3 → 0.525.
        // d: implied 0.5 (it has no own probability).
        assert_eq!(
            effective(&g, &shown),
            [
                Some(1.0),
                Some(1.0),
                Some(0.0),
                Some(0.525),
                Some(0.5),
                Some(0.7)
            ]
        );
        // The diamond's c is not settled: it has two parents.
        let (_, fixed, _) = resolvable(&[("d", "happened")]);
        assert_eq!(
            fixed,
            [Some(1.0), Some(1.0), Some(0.0), Some(0.0), Some(1.0), None]
        );
    }

    #[test]
    fn resolutions_settle_bets_won_and_lost() {
        let (g, fixed, shown) = resolvable(&[("a", "happened")]);
        let [root, a, b, c, d, e] = ix([0, 1, 2, 3, 4, 5]);
        let (wins, loses) = ([a], [b]);
        let won = sides(&wins, &loses);
        assert_eq!(verdict(won, &fixed), Some(Verdict::Won { by: a }));
        assert_eq!(g.payoff(won, &effective(&g, &shown)), Payoff::Exact(1.0));
        assert_eq!(
            verdict(sides(&[c], &[root]), &fixed),
            Some(Verdict::Lost { by: root })
        );
        assert_eq!(
            verdict(sides(&[b], &[]), &fixed),
            Some(Verdict::Missed { by: b })
        );
        // Won in a, but e, which it loses in, is still open.
        assert_eq!(verdict(sides(&[a], &[e]), &fixed), None);
        assert_eq!(verdict(sides(&[d], &[]), &fixed), None);
        // A resolved future neither moves a bet nor is moved: only e and
        // nothing else moves a bet on c that loses in e.
        let shown_swings = g.swings(sides(&[c], &[e]), &shown, &fixed, 5);
        let mut moved: Vec<FutureIx> = shown_swings.iter().map(|s| s.future).collect();
        moved.sort();
        assert_eq!(moved, [c, e]);
    }

    #[test]
    fn contradicting_resolutions_and_a_resolved_group_are_errors() {
        let (_, _, errs) = graph(&[
            (
                "root",
                "title: R\nleads_to:\n  - {future: a, probability: 0.5}\n  - {future: b, probability: 0.5}\n",
            ),
            (
                "a",
                "title: A\nresolved: {outcome: happened, on: 2026-01-01, source: https://example.org/a}\n",
            ),
            (
                "b",
                "title: B\nresolved: {outcome: happened, on: 2026-02-01, source: https://example.org/b}\n",
            ),
            (
                "era",
                "title: Era\nresolved: {outcome: happened, on: 2026-02-01, source: https://example.org/e}\n",
            ),
            ("member", "title: M\nwithin: era\n"),
        ]);
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(
            errs[0].starts_with("futures/b.yaml:2:11: this resolution contradicts the one of `a`"),
            "{}",
            errs[0]
        );
        assert!(
            errs[1].contains("`era` is a group and cannot be resolved"),
            "{}",
            errs[1]
        );
    }

    /// `(id, swing)` pairs, rounded to 1e-9 so hand-computed numbers compare.
    fn swings_of(
        g: &Graph,
        f: &[Future],
        wins: &[usize],
        loses: &[usize],
        own: &[Option<f64>],
    ) -> Vec<(String, f64)> {
        let wins: Vec<FutureIx> = wins.iter().copied().map(FutureIx).collect();
        let loses: Vec<FutureIx> = loses.iter().copied().map(FutureIx).collect();
        g.swings(sides(&wins, &loses), own, &vec![None; g.len()], usize::MAX)
            .into_iter()
            .map(|s| (f[s.future].id.to_string(), (s.swing * 1e9).round() / 1e9))
            .collect()
    }

    #[test]
    fn a_swing_comes_through_every_ancestor() {
        // r (0.5) → a 0.6 → w 0.5; blocked (0.3) → w 0.2; far (0.9) → blocked 0.5.
        // A bet that wins in w: p(w) = 0.5 × 0.6 × 0.5 + 0.3 × 0.2 = 0.21.
        let (f, g, errs) = graph(&[
            (
                "r",
                "title: R\nleads_to:\n  - {future: a, probability: 0.6}\n",
            ),
            (
                "a",
                "title: A\nleads_to:\n  - {future: w, probability: 0.5}\n",
            ),
            (
                "far",
                "title: F\nleads_to:\n  - {future: blocked, probability: 0.5}\n",
            ),
            (
                "blocked",
                "title: B\nleads_to:\n  - {future: w, probability: 0.2}\n",
            ),
            ("w", "title: W\n"),
        ]);
        assert!(errs.is_empty(), "{errs:?}");
        let own = own_of(&f, &[("r", 0.5), ("far", 0.9), ("blocked", 0.3)]);
        assert_eq!(
            swings_of(&g, &f, &[4], &[], &own),
            [
                // w itself: 1 − 0.
                ("w".into(), 1.0),
                // a at 1: 0.5 + 0.06; at 0: 0.06.
                ("a".into(), 0.5),
                // r at 1: 0.6 × 0.5 + 0.06 = 0.36; at 0: 0.06.
                ("r".into(), 0.3),
                // blocked at 1: 0.15 + 0.2; at 0: 0.15.
                ("blocked".into(), 0.2),
                // far's edge implies 0.45 of blocked. At 1 it implies 0.5:
                // blocked moves to 0.35, w to 0.15 + 0.07. At 0 blocked
                // would be 0.3 − 0.45, kept at 0: w is 0.15.
                ("far".into(), 0.07),
            ],
            "far reaches w through blocked, whose own probability moves with its implied one"
        );
        // A bet that loses in w: every swing turns round.
        let turned: Vec<(String, f64)> = swings_of(&g, &f, &[0], &[4], &own)
            .into_iter()
            .filter(|(id, _)| id != "r")
            .collect();
        assert_eq!(
            turned,
            [
                ("w".into(), -0.5),
                ("a".into(), -0.25),
                ("blocked".into(), -0.1),
                ("far".into(), -0.035),
            ],
            "wins in r (0.5), loses in w: [max(0, 0.5 − p(w)), min(0.5, 1 − p(w))], midpoint moves half as much"
        );
    }

    #[test]
    fn a_swing_on_one_fork_moves_the_exact_sum() {
        // fork (0.5) → a 0.6, b 0.3; a bet wins in a or b: 0.3 + 0.15 = 0.45.
        let (f, g, _) = graph(&[
            (
                "fork",
                "title: F\nleads_to:\n  - {future: a, probability: 0.6}\n  - {future: b, probability: 0.3}\n",
            ),
            ("a", "title: A\n"),
            ("b", "title: B\n"),
        ]);
        let own = own_of(&f, &[("fork", 0.5)]);
        assert_eq!(
            swings_of(&g, &f, &[1, 2], &[], &own),
            [
                // fork at 1: 0.6 + 0.3; at 0: 0.
                ("fork".into(), 0.9),
                // a at 1: min(1, 1 + 0.15); at 0: 0.15.
                ("a".into(), 0.85),
                // b at 1: min(1, 0.3 + 1); at 0: 0.3.
                ("b".into(), 0.7),
            ]
        );
    }

    #[test]
    fn a_swing_of_bounds_moves_their_midpoint() {
        // x (0.4) and y (0.2) are roots: bounds [0.4, 0.6], midpoint 0.5.
        let (f, g, _) = graph(&[
            ("x", "title: X\n"),
            ("y", "title: Y\n"),
            ("z", "title: Z\n"),
        ]);
        let own = own_of(&f, &[("x", 0.4), ("y", 0.2), ("z", 0.7)]);
        assert_eq!(
            swings_of(&g, &f, &[0, 1], &[], &own),
            [
                // x at 1: [1, 1]; at 0: [0.2, 0.2].
                ("x".into(), 0.8),
                // y at 1: [1, 1]; at 0: [0.4, 0.4].
                ("y".into(), 0.6),
            ],
            "z is not a winning future and leads to none"
        );
        assert_eq!(Payoff::Range(0.4, 0.6).midpoint(), Some(0.5));
        assert_eq!(Payoff::Unknown.midpoint(), None);
    }

    #[test]
    fn swings_agree_with_recomputing_the_whole_graph() {
        // A layered graph with diamonds, overlapping parents (capped sums),
        // futures with and without own probabilities, a root without one.
        let mut files = Vec::new();
        for i in 0..24usize {
            let mut yaml = format!("title: F{i}\n");
            // f1 is a root without a probability: what follows it is
            // unknown until it is set.
            let root = i == 1;
            if i % 3 == 2 || i == 0 {
                yaml.push_str(&format!(
                    "probability: {}\n",
                    0.5 + (i * 37 % 45) as f64 / 100.0
                ));
            }
            let targets: Vec<usize> = [i + 1, i + 2, i + 5]
                .into_iter()
                .filter(|&t| t < 24 && t != 1 && (i + t) % 4 != 0 && !(root && t > 6))
                .collect();
            if !targets.is_empty() {
                yaml.push_str("leads_to:\n");
                for t in &targets {
                    yaml.push_str(&format!(
                        "  - {{future: f{t}, probability: {}}}\n",
                        0.9 / targets.len() as f64
                    ));
                }
            }
            files.push((format!("f{i}"), yaml));
        }
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let (f, g, errs) = graph(&refs);
        assert!(errs.is_empty(), "{errs:?}");
        let own = own(&f);
        let mut compared = 0;
        let bets: Vec<(Vec<usize>, Vec<usize>)> = (0..f.len())
            .map(|w| (vec![w], vec![]))
            .chain((0..f.len() - 3).map(|w| (vec![w], vec![w + 3])))
            .chain([
                (vec![13, 20], vec![]),
                (vec![7, 8], vec![23]),
                (vec![22, 19, 4], vec![5, 21]),
                (vec![21, 22], vec![2]),
            ])
            .collect();
        for (wins, loses) in bets {
            let wins: Vec<FutureIx> = wins.into_iter().map(FutureIx).collect();
            let loses: Vec<FutureIx> = loses.into_iter().map(FutureIx).collect();
            let bet = sides(&wins, &loses);
            let slow: Vec<(FutureIx, f64)> = (0..f.len())
                .filter_map(|x| {
                    let with = |v: f64| g.payoff(bet, &follow_whole(&g, &own, x, v)).midpoint();
                    let swing = with(1.0)? - with(0.0)?;
                    (swing.abs() > 1e-9).then_some((FutureIx(x), swing))
                })
                .collect();
            let all = g.swings(bet, &own, &vec![None; g.len()], usize::MAX);
            assert_eq!(all.len(), slow.len(), "{bet:?}: {all:?} against {slow:?}");
            for (x, swing) in &slow {
                let found = all.iter().find(|s| s.future == *x).map(|s| s.swing);
                assert_eq!(found, Some(*swing), "{bet:?}, future {x:?}");
            }
            // The five largest, found with bounds, are the five largest.
            let mut sizes: Vec<f64> = slow.iter().map(|s| s.1.abs()).collect();
            sizes.sort_by(|a, b| b.total_cmp(a));
            let top: Vec<f64> = g
                .swings(bet, &own, &vec![None; g.len()], 5)
                .iter()
                .map(|s| s.swing.abs())
                .collect();
            assert_eq!(top, sizes[..sizes.len().min(5)], "{bet:?}");
            compared += slow.len();
        }
        assert!(compared > 100, "only {compared} non-zero swings compared");
        assert!(
            g.compute(&own)
                .iter()
                .filter(|c| c.implied.is_none())
                .count()
                > 1,
            "some futures are unknown"
        );
        assert!(
            g.compute(&own)
                .iter()
                .any(|c| c.incoming.is_some_and(|s| s > 1.0)),
            "some sum is capped"
        );
    }

    #[test]
    fn unknown_references_suggest_a_fix() {
        let (_, _, errs) = graph(&[
            ("agi-by-2030", "title: A\n"),
            ("x", "title: X\nwithin: agi-2030\n"),
        ]);
        assert_eq!(
            errs,
            ["futures/x.yaml:2:9: unknown future `agi-2030` in `within`"]
        );
    }

    #[test]
    fn a_future_is_not_suggested_for_a_reference_in_its_own_file() {
        let files = [
            (
                "human-level-ai",
                "title: H\nleads_to:\n  - {future: human-level-a, probability: 0.5}\n",
            ),
            ("human-level-ai-arrives", "title: A\n"),
            ("x", "title: X\nwithin: human-level-a\n"),
        ];
        let mut diags = Diagnostics::default();
        let futures: Vec<Future> = files
            .iter()
            .filter_map(|(id, yaml)| {
                parse(Path::new(&format!("futures/{id}.yaml")), yaml, &mut diags)
            })
            .collect();
        Graph::build(&futures, &HashSet::new(), &mut diags);
        let helps: Vec<String> = diags
            .into_sorted()
            .into_iter()
            .map(|d| format!("{}: {}", d.file.display(), d.help.unwrap_or_default()))
            .collect();
        assert_eq!(
            helps,
            [
                "futures/human-level-ai.yaml: did you mean `human-level-ai-arrives`?",
                "futures/x.yaml: did you mean `human-level-ai`?",
            ]
        );
    }

    #[test]
    fn cycles_are_named() {
        let (_, _, errs) = graph(&[
            (
                "a",
                "title: A\nleads_to:\n  - {future: b, probability: 0.5}\n",
            ),
            (
                "b",
                "title: B\nleads_to:\n  - {future: c, probability: 0.5}\n",
            ),
            (
                "c",
                "title: C\nleads_to:\n  - {future: a, probability: 0.5}\n",
            ),
            ("g", "title: G\nwithin: h\n"),
            ("h", "title: H\nwithin: g\n"),
        ]);
        assert_eq!(
            errs,
            [
                "futures/a.yaml:3:14: cycle in `leads_to`: a → b → c → a",
                "futures/g.yaml:2:9: cycle in `within`: g → h → g",
            ]
        );
    }
}
