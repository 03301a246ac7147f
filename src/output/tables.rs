//! The aggregate tables: `summary.csv` (one row per sweep point and pairing) and
//! `strategies.csv` (one row per sweep point and strategy).
//!
//! Both are fed one match at a time, in run-list order, with the same `f64` values that go into
//! `matches.csv`. Because floats are written in round-trip form, feeding them from a parsed
//! `matches.csv` (merge, resume) gives byte-identical tables.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::checksum::{Sum, SumWriter};
use super::rows::record_bytes;
use super::{OutputDir, OutputError};
use crate::metrics::MatchStats;
use crate::output::format::push_float;
use crate::plan::Run;
use crate::stats::{Running, Summary, summarize};

/// The match metrics that `summary.csv` summarises, each with the full set of statistics.
pub const SUMMARY_METRICS: &[&str] = &[
    "score_a",
    "score_b",
    "score_per_round_a",
    "score_per_round_b",
    "coop_rate_a",
    "coop_rate_b",
    "cc_rate",
    "dd_rate",
    "trust_final_a",
    "trust_final_b",
    "n_spirals",
    "n_echo",
    "mean_recovery",
    "reward_cost_a",
    "reward_cost_b",
    "sanction_cost_a",
    "sanction_cost_b",
    "eff_vs_cc",
    "surplus_ratio",
    "payoff_diff",
    "sanction_rounds_a",
    "sanction_rounds_b",
    "max_sanction_a",
    "max_sanction_b",
    "escalations_a",
    "escalations_b",
    "feud_length",
    "promises_due_a",
    "promises_due_b",
    "promises_honoured_a",
    "promises_honoured_b",
    "threats_due_a",
    "threats_due_b",
    "threats_executed_a",
    "threats_executed_b",
];

/// The counts `summary.csv` appends after the statistics: how many matches of the cell had a
/// disruption still unrecovered at the end (`n_censored` = 1), and how many of those
/// `mean_recovery`'s statistics leave out altogether because none of their disruptions
/// recovered (their `mean_recovery` is NA).
pub const CENSORING_COLUMNS: &[&str] = &["matches_censored", "mean_recovery_censored_out"];

/// Where each needed metric sits in a match row.
#[derive(Clone, Debug)]
pub struct ColumnIndex {
    summary: Vec<usize>,
    rounds: usize,
    score: [usize; 2],
    score_per_round: [usize; 2],
    coop: [usize; 2],
    trust_final: [usize; 2],
    spent: [[usize; 2]; 2],
    n_disruptions: usize,
    n_censored: usize,
    mean_recovery: usize,
    sanction_rounds: [usize; 2],
    max_sanction: [usize; 2],
    escalations: [usize; 2],
    feud_length: usize,
}

fn col(name: &str) -> usize {
    MatchStats::COLUMNS
        .iter()
        .position(|c| *c == name)
        .unwrap_or_else(|| panic!("metrics column `{name}` is missing: keep tables.rs in step with metrics.rs"))
}

impl ColumnIndex {
    /// Looks the columns up in [`MatchStats::COLUMNS`].
    ///
    /// # Panics
    /// When a column this module relies on is missing from the metrics: a programming error that
    /// the test suite catches, never an input error.
    pub fn new() -> ColumnIndex {
        ColumnIndex {
            summary: SUMMARY_METRICS.iter().map(|m| col(m)).collect(),
            rounds: col("rounds"),
            score: [col("score_a"), col("score_b")],
            score_per_round: [col("score_per_round_a"), col("score_per_round_b")],
            coop: [col("coop_rate_a"), col("coop_rate_b")],
            trust_final: [col("trust_final_a"), col("trust_final_b")],
            spent: [[col("reward_cost_a"), col("sanction_cost_a")], [col("reward_cost_b"), col("sanction_cost_b")]],
            n_disruptions: col("n_disruptions"),
            n_censored: col("n_censored"),
            mean_recovery: col("mean_recovery"),
            sanction_rounds: [col("sanction_rounds_a"), col("sanction_rounds_b")],
            max_sanction: [col("max_sanction_a"), col("max_sanction_b")],
            escalations: [col("escalations_a"), col("escalations_b")],
            feud_length: col("feud_length"),
        }
    }
}

impl Default for ColumnIndex {
    fn default() -> Self {
        ColumnIndex::new()
    }
}

/// How many values of one metric a cell keeps in memory before it spills them to disk.
const SPILL_AT: usize = 1 << 15;

/// The values of one summarised metric in the current cell. The summary statistics (mean, sd,
/// quantiles) need every value, but they depend only on the multiset of values: `summarize`
/// sorts before it sums. So values past the first [`SPILL_AT`] go, [`SPILL_AT`] at a time, to
/// a temporary file, and at flush each metric's values are read back one metric at a time.
/// A cell of 10^6 repetitions then holds 8 MB at a time instead of 20 × 8 MB, with
/// byte-identical output.
#[derive(Default)]
struct Column {
    mem: Vec<f64>,
    spill: Option<Spill>,
}

/// A temporary file of little-endian `f64`s: anonymous (`tempfile`: created exclusively, never
/// under a predictable name, already unlinked), so nothing is left behind even after SIGKILL.
struct Spill {
    file: Option<BufWriter<File>>,
    len: usize,
}

impl Spill {
    fn create(dir: Option<&Path>) -> std::io::Result<Spill> {
        let file = match dir {
            Some(d) => tempfile::tempfile_in(d)?,
            None => tempfile::tempfile()?,
        };
        Ok(Spill { file: Some(BufWriter::with_capacity(1 << 16, file)), len: 0 })
    }

    fn append(&mut self, xs: &[f64]) -> std::io::Result<()> {
        let Some(w) = self.file.as_mut() else {
            return Err(std::io::Error::other("summary spill file already closed"));
        };
        for x in xs {
            w.write_all(&x.to_le_bytes())?;
        }
        self.len += xs.len();
        Ok(())
    }

    /// Appends every spilled value to `out`.
    fn read_into(&mut self, out: &mut Vec<f64>) -> std::io::Result<()> {
        let Some(w) = self.file.take() else {
            return Err(std::io::Error::other("summary spill file already read"));
        };
        let mut f = w.into_inner().map_err(|e| e.into_error())?;
        f.seek(SeekFrom::Start(0))?;
        out.reserve(self.len);
        let mut r = BufReader::with_capacity(1 << 16, f);
        let mut b = [0u8; 8];
        for _ in 0..self.len {
            r.read_exact(&mut b)?;
            out.push(f64::from_le_bytes(b));
        }
        Ok(())
    }
}

impl Column {
    #[inline]
    fn push(&mut self, x: f64, dir: Option<&Path>) -> std::io::Result<()> {
        if self.mem.len() == SPILL_AT {
            let spill = match &mut self.spill {
                Some(s) => s,
                None => self.spill.insert(Spill::create(dir)?),
            };
            spill.append(&self.mem)?;
            self.mem.clear();
        }
        self.mem.push(x);
        Ok(())
    }

    /// Every value of the cell (spilled ones first), leaving the column empty.
    fn take_all(&mut self) -> std::io::Result<Vec<f64>> {
        let mut all = Vec::new();
        if let Some(mut s) = self.spill.take() {
            s.read_into(&mut all)?;
        }
        if all.is_empty() {
            return Ok(std::mem::take(&mut self.mem));
        }
        all.append(&mut self.mem);
        Ok(all)
    }
}

/// Streaming builder of `summary.csv`. Runs of one (point, pairing) cell are contiguous in the
/// run list, so only one cell's values are held at a time, and of a large cell only a bounded
/// part stays in memory (32,768 values per metric).
pub struct SummaryTable {
    idx: ColumnIndex,
    cell: Option<(usize, usize)>,
    /// The cell being written by `flush`.
    written_cell: Option<(usize, usize)>,
    labels: (String, String),
    point_values: Vec<String>,
    values: Vec<Column>,
    n: u64,
    sum_score: [f64; 2],
    sum_rounds: f64,
    /// Counts of [`CENSORING_COLUMNS`].
    censored: [u64; 2],
    spill_dir: Option<PathBuf>,
    /// The row being written by `flush`, kept for its capacity.
    row: Vec<u8>,
}

impl SummaryTable {
    /// A builder that spills large cells to anonymous files in `dir` (the output directory, so
    /// the spill lands on the disk whose space was checked) instead of the temporary directory.
    pub fn with_spill_dir(dir: &Path) -> SummaryTable {
        SummaryTable { spill_dir: Some(dir.to_path_buf()), ..SummaryTable::new() }
    }

    /// A builder with nothing in it.
    pub fn new() -> SummaryTable {
        SummaryTable {
            spill_dir: None,
            idx: ColumnIndex::new(),
            cell: None,
            written_cell: None,
            labels: (String::new(), String::new()),
            point_values: Vec::new(),
            values: (0..SUMMARY_METRICS.len()).map(|_| Column::default()).collect(),
            n: 0,
            sum_score: [0.0; 2],
            sum_rounds: 0.0,
            censored: [0; 2],
            row: Vec::new(),
        }
    }

    /// The header: `point`, sweep columns, `strategy_a`, `strategy_b`, `n`, the pooled per-round
    /// scores, then `<metric>_<stat>` for every summarised metric.
    pub fn header(sweep_columns: &[String]) -> Vec<String> {
        let mut h = vec!["point".to_string()];
        h.extend(sweep_columns.iter().cloned());
        h.extend(
            ["strategy_a", "strategy_b", "n", "pooled_score_per_round_a", "pooled_score_per_round_b"].map(String::from),
        );
        for m in SUMMARY_METRICS {
            for s in &Summary::COLUMNS[1..] {
                // Not `format!`: 280 names, built at the start of every run.
                let mut name = String::with_capacity(m.len() + 1 + s.len());
                name.push_str(m);
                name.push('_');
                name.push_str(s);
                h.push(name);
            }
        }
        h.extend(CENSORING_COLUMNS.iter().map(|c| c.to_string()));
        h
    }

    /// Adds one match; writes the previous cell's row when a new cell starts.
    pub fn push<W: Write>(
        &mut self,
        out: &mut W,
        run: &Run,
        labels: (&str, &str),
        point_values: &[String],
        row: &[f64],
    ) -> csv::Result<()> {
        let key = (run.point, run.pair);
        if self.cell != Some(key) {
            self.flush(out)?;
            self.cell = Some(key);
            self.labels = (labels.0.to_string(), labels.1.to_string());
            self.point_values = point_values.to_vec();
        }
        for (k, &c) in self.idx.summary.iter().enumerate() {
            self.values[k].push(row[c], self.spill_dir.as_deref())?;
        }
        self.n += 1;
        self.sum_score[0] += row[self.idx.score[0]];
        self.sum_score[1] += row[self.idx.score[1]];
        self.sum_rounds += row[self.idx.rounds];
        let censored = row[self.idx.n_censored] > 0.0;
        self.censored[0] += censored as u64;
        self.censored[1] +=
            (censored && row[self.idx.mean_recovery].is_nan() && row[self.idx.n_disruptions] > 0.0) as u64;
        Ok(())
    }

    /// Writes the pending cell's row, if any, as the bytes the `csv` writer would write
    /// (numbers need no quoting; the text fields are quoted as it quotes them,
    /// [`super::rows::push_field`]), built in one buffer: through the writer, each of the
    /// row's 170 fields was scanned for quoting and checked as UTF-8.
    pub fn flush<W: Write>(&mut self, out: &mut W) -> csv::Result<()> {
        use super::format::push_float_bytes;
        use super::rows::push_field;
        self.written_cell = self.cell.take();
        let Some((point, _)) = self.written_cell else { return Ok(()) };
        let mut row = std::mem::take(&mut self.row);
        row.clear();
        let mut int = itoa::Buffer::new();
        row.extend_from_slice(int.format(point).as_bytes());
        for v in &self.point_values {
            row.push(b',');
            push_field(&mut row, v.as_bytes());
        }
        for label in [&self.labels.0, &self.labels.1] {
            row.push(b',');
            push_field(&mut row, super::format::safe_text(label).as_bytes());
        }
        row.push(b',');
        row.extend_from_slice(int.format(self.n).as_bytes());
        for s in self.sum_score {
            row.push(b',');
            push_float_bytes(&mut row, s / self.sum_rounds);
        }
        for col in &mut self.values {
            let mut vals = col.take_all()?;
            let s = summarize(&mut vals);
            for x in &s.values()[1..] {
                row.push(b',');
                push_float_bytes(&mut row, *x);
            }
            // Keep the in-memory buffer for the next cell unless it held a spilled cell.
            if col.mem.capacity() == 0 && vals.capacity() <= SPILL_AT {
                vals.clear();
                col.mem = vals;
            }
        }
        for c in self.censored {
            row.push(b',');
            row.extend_from_slice(int.format(c).as_bytes());
        }
        row.push(b'\n');
        out.write_all(&row)?;
        self.row = row;
        self.n = 0;
        self.sum_score = [0.0; 2];
        self.sum_rounds = 0.0;
        self.censored = [0; 2];
        Ok(())
    }
}

impl Default for SummaryTable {
    fn default() -> Self {
        SummaryTable::new()
    }
}

/// Per-strategy accumulators at one sweep point.
#[derive(Clone, Debug, Default)]
struct StrategyAcc {
    score_per_round: Running,
    wins: u64,
    draws: u64,
    losses: u64,
    coop: Running,
    trust_final: Running,
    spent: Running,
    self_play_score: Running,
    sanction_rounds: Running,
    max_sanction: Running,
    escalations: Running,
    feud_length: Running,
}

/// Builder of `strategies.csv`: per strategy, its results against the other strategies
/// (self-play left out, as Axelrod-Python does).
///
/// Runs arrive point by point (the run list is point-major), so only the current point's
/// accumulators are held: a point's rows are written when the next point starts, and points
/// without any run get their rows (zero matches) all the same.
pub struct StrategyTable {
    idx: ColumnIndex,
    roster: usize,
    points: usize,
    /// The point being accumulated, and the next point whose rows are not written yet.
    current: usize,
    accs: Vec<StrategyAcc>,
}

impl StrategyTable {
    /// A builder for `points` sweep points and a roster of `roster` strategies.
    pub fn new(points: usize, roster: usize) -> StrategyTable {
        StrategyTable {
            idx: ColumnIndex::new(),
            roster,
            points,
            current: 0,
            accs: vec![StrategyAcc::default(); roster],
        }
    }

    /// The header.
    pub fn header(sweep_columns: &[String]) -> Vec<String> {
        let mut h = vec!["point".to_string()];
        h.extend(sweep_columns.iter().cloned());
        h.extend(
            [
                "rank",
                "strategy",
                "name",
                "matches",
                "mean_score_per_round",
                "se_score_per_round",
                "wins",
                "draws",
                "losses",
                "coop_rate",
                "mean_trust_final",
                "incentive_cost_per_round",
                "self_play_score_per_round",
                "mean_sanction_rounds",
                "mean_max_sanction",
                "mean_escalations",
                "mean_feud_length",
            ]
            .map(String::from),
        );
        h
    }

    /// Adds one match; first writes the rows of every point before the match's point.
    pub fn push<W: Write>(
        &mut self,
        out: &mut csv::Writer<W>,
        run: &Run,
        row: &[f64],
        text: &StrategyText<'_>,
    ) -> csv::Result<()> {
        self.write_until(out, run.point, text)?;
        let accs = &mut self.accs;
        let sides = [run.a, run.b];
        if run.a == run.b {
            accs[run.a]
                .self_play_score
                .push(0.5 * (row[self.idx.score_per_round[0]] + row[self.idx.score_per_round[1]]));
            return Ok(());
        }
        let (sa, sb) = (row[self.idx.score[0]], row[self.idx.score[1]]);
        for (i, &who) in sides.iter().enumerate() {
            let acc = &mut accs[who];
            acc.score_per_round.push(row[self.idx.score_per_round[i]]);
            acc.coop.push(row[self.idx.coop[i]]);
            acc.trust_final.push(row[self.idx.trust_final[i]]);
            // Per round, like every other column of this table.
            let rounds = row[self.idx.rounds];
            let spent = row[self.idx.spent[i][0]] + row[self.idx.spent[i][1]];
            acc.spent.push(if rounds > 0.0 { spent / rounds } else { f64::NAN });
            acc.sanction_rounds.push(row[self.idx.sanction_rounds[i]]);
            acc.max_sanction.push(row[self.idx.max_sanction[i]]);
            acc.escalations.push(row[self.idx.escalations[i]]);
            acc.feud_length.push(row[self.idx.feud_length]);
            let (mine, theirs) = if i == 0 { (sa, sb) } else { (sb, sa) };
            if mine > theirs {
                acc.wins += 1;
            } else if mine < theirs {
                acc.losses += 1;
            } else {
                acc.draws += 1;
            }
        }
        Ok(())
    }

    /// Writes the rows of every point not written yet, to the end.
    pub fn finish<W: Write>(&mut self, out: &mut csv::Writer<W>, text: &StrategyText<'_>) -> csv::Result<()> {
        self.write_until(out, self.points, text)
    }

    /// Writes the rows of the points before `point` not written yet.
    fn write_until<W: Write>(
        &mut self,
        out: &mut csv::Writer<W>,
        point: usize,
        text: &StrategyText<'_>,
    ) -> csv::Result<()> {
        while self.current < point {
            self.write_point(out, self.current, text)?;
            self.accs.iter_mut().for_each(|a| *a = StrategyAcc::default());
            self.current += 1;
        }
        Ok(())
    }

    /// Writes one point's rows: strategies by rank (mean score per round, best first; ties keep
    /// roster order).
    fn write_point<W: Write>(&self, out: &mut csv::Writer<W>, p: usize, text: &StrategyText<'_>) -> csv::Result<()> {
        let mut buf = String::new();
        let mut num = |out: &mut csv::Writer<W>, x: f64| -> csv::Result<()> {
            buf.clear();
            push_float(&mut buf, x);
            out.write_field(&buf)
        };
        let accs = &self.accs;
        let mut order: Vec<usize> = (0..self.roster).collect();
        let key = |i: usize| {
            let m = accs[i].score_per_round.mean();
            if m.is_nan() { f64::NEG_INFINITY } else { m }
        };
        order.sort_by(|&x, &y| key(y).total_cmp(&key(x)));
        let values = (text.point_values)(p);
        for (rank, &i) in order.iter().enumerate() {
            let acc = &accs[i];
            out.write_field(p.to_string())?;
            for v in &values {
                out.write_field(v)?;
            }
            out.write_field((rank + 1).to_string())?;
            out.write_field(super::format::safe_text(&text.labels[i]).as_bytes())?;
            out.write_field(text.names[i])?;
            out.write_field(acc.score_per_round.n().to_string())?;
            num(out, acc.score_per_round.mean())?;
            num(out, acc.score_per_round.se())?;
            out.write_field(acc.wins.to_string())?;
            out.write_field(acc.draws.to_string())?;
            out.write_field(acc.losses.to_string())?;
            num(out, acc.coop.mean())?;
            num(out, acc.trust_final.mean())?;
            num(out, acc.spent.mean())?;
            num(out, acc.self_play_score.mean())?;
            num(out, acc.sanction_rounds.mean())?;
            num(out, acc.max_sanction.mean())?;
            num(out, acc.escalations.mean())?;
            num(out, acc.feud_length.mean())?;
            out.write_record(None::<&[u8]>)?;
        }
        Ok(())
    }
}

/// The text of `strategies.csv` rows: roster labels and names, and each point's sweep values.
pub struct StrategyText<'a> {
    /// Roster labels.
    pub labels: &'a [String],
    /// Roster canonical names.
    pub names: &'a [&'static str],
    /// The sweep values of a point, as written (made when a point's rows are written: a sweep's
    /// points are not all held in memory).
    pub point_values: &'a dyn Fn(usize) -> Vec<String>,
}

/// A table's rows, held in memory up to [`ROWS_IN_MEMORY`] bytes and past that spilled, while
/// a run plays, to an anonymous temporary file in the output directory (`tempfile`: never under
/// a predictable name, gone even after SIGKILL), and summed as they are written, from the sum of
/// the table's header on. So the finished file is the header and the rows (from memory, or a
/// copy the kernel makes: `std::io::copy` between files is `copy_file_range` on Linux), and its
/// checksum is known without a pass over its bytes at the end of the run.
///
/// Most tables stay in memory (a 10-strategy tournament's `summary.csv` is 120 KiB), which
/// spares the temporary file: creating, filling, copying and freeing it cost a short run about
/// a tenth of a millisecond each, and the file system's journal records its inode twice.
pub struct SpilledRows {
    header: Vec<u8>,
    rows: SumWriter<Rows>,
}

/// Where the rows of a [`SpilledRows`] are: in memory (and the directory to spill into), or in
/// the temporary file.
enum Rows {
    Memory(Vec<u8>, PathBuf),
    Spilled(BufWriter<File>),
}

/// The most bytes of rows a [`SpilledRows`] holds in memory before it spills them: with five
/// tables, 5 MiB at most, whatever the size of the study.
pub const ROWS_IN_MEMORY: usize = 1 << 20;

impl SpilledRows {
    /// An empty table with this header, spilling into `dir` once it is large.
    pub fn create(dir: &Path, header: &[String]) -> std::io::Result<SpilledRows> {
        let header = record_bytes(header);
        let sum = Sum::default().update(&header);
        Ok(SpilledRows { header, rows: SumWriter::new(Rows::Memory(Vec::new(), dir.to_path_buf()), sum) })
    }

    /// [`SpilledRows::create`] behind a CSV writer, for rows formatted field by field.
    pub fn create_csv(dir: &Path, header: &[String]) -> std::io::Result<csv::Writer<SpilledRows>> {
        Ok(csv::WriterBuilder::new().buffer_capacity(1 << 16).from_writer(SpilledRows::create(dir, header)?))
    }

    /// Whether the rows went to a temporary file.
    pub fn spilled(&self) -> bool {
        matches!(self.rows.get_ref(), Rows::Spilled(_))
    }
}

impl Write for SpilledRows {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.rows.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.rows.flush()
    }
}

impl Write for Rows {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Rows::Memory(rows, _) if rows.len() + buf.len() <= ROWS_IN_MEMORY => {
                rows.extend_from_slice(buf);
                Ok(buf.len())
            }
            Rows::Memory(rows, dir) => {
                let mut file = BufWriter::with_capacity(1 << 16, tempfile::tempfile_in(dir)?);
                file.write_all(rows)?;
                file.write_all(buf)?;
                *self = Rows::Spilled(file);
                Ok(buf.len())
            }
            Rows::Spilled(file) => file.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Rows::Memory(..) => Ok(()),
            Rows::Spilled(file) => file.flush(),
        }
    }
}

/// Writes a table formatted through a CSV writer into a [`super::commit::Group`], as
/// [`bytes_into_group`] does.
pub fn spill_into_group(
    group: &mut super::commit::Group,
    dir: &OutputDir,
    name: &str,
    rows: csv::Writer<SpilledRows>,
) -> Result<Sum, OutputError> {
    let rows = rows.into_inner().map_err(|e| OutputError::io(dir.file(name), e.into_error()))?;
    bytes_into_group(group, dir, name, rows)
}

/// Writes a table, its header then its spilled rows, as `<name>.partial` into `group`, which
/// syncs it and renames it with the rest of the group; returns the checksum of the whole file.
pub fn bytes_into_group(
    group: &mut super::commit::Group,
    dir: &OutputDir,
    name: &str,
    rows: SpilledRows,
) -> Result<Sum, OutputError> {
    let path = dir.file(name);
    let io = |e: std::io::Error| OutputError::io(&path, e);
    let SpilledRows { header, rows } = rows;
    let sum = rows.sum();
    let mut pending = super::commit::Pending::create(dir.path(), name)?;
    pending.writer().write_all(&header).map_err(io)?;
    let copied = match rows.into_inner() {
        Rows::Memory(rows, _) => {
            pending.writer().write_all(&rows).map_err(io)?;
            rows.len() as u64
        }
        Rows::Spilled(file) => {
            let mut spilled = file.into_inner().map_err(|e| io(e.into_error()))?;
            spilled.seek(SeekFrom::Start(0)).map_err(io)?;
            std::io::copy(&mut spilled, pending.writer()).map_err(io)?
        }
    };
    if header.len() as u64 + copied != sum.bytes {
        return Err(io(std::io::Error::other(format!(
            "the spilled rows of {name} came back as {copied} bytes, not {}",
            sum.bytes - header.len() as u64
        ))));
    }
    group.add(pending)?;
    Ok(sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(pair: usize, rep: u32) -> Run {
        Run { index: rep as u64, point: 0, pair, a: 0, b: pair, rep }
    }

    /// A table's rows give the same file and checksum whether they stay in memory or pass
    /// [`ROWS_IN_MEMORY`] and spill to a temporary file partway through a write.
    #[test]
    fn rows_in_memory_and_spilled_rows_make_the_same_file() {
        let header = ["a".to_string(), "b".to_string()];
        let row = |k: usize| format!("{k},{}\n", k * 7);
        for (rows, spills) in [(1_000, false), (ROWS_IN_MEMORY / 6, true)] {
            let d = tempfile::tempdir().unwrap();
            let dir = OutputDir::open(d.path(), &[], false, false).unwrap();
            let mut spill = SpilledRows::create(d.path(), &header).unwrap();
            let mut expected = b"a,b\n".to_vec();
            for k in 0..rows {
                spill.write_all(row(k).as_bytes()).unwrap();
                expected.extend_from_slice(row(k).as_bytes());
            }
            assert_eq!(spill.spilled(), spills, "{rows} rows");
            let mut group = super::super::commit::Group::new(d.path());
            let sum = bytes_into_group(&mut group, &dir, "t.csv", spill).unwrap();
            group.commit().unwrap();
            assert_eq!(std::fs::read(d.path().join("t.csv")).unwrap(), expected);
            assert_eq!(sum, Sum::default().update(&expected));
        }
    }

    /// A cell larger than the in-memory buffer spills to disk and still gives exactly the
    /// statistics of all its values; the next cell starts afresh.
    #[test]
    fn spilled_cells_give_the_exact_summary() {
        let idx = ColumnIndex::new();
        let ncol = MatchStats::COLUMNS.len();
        let n_big = 3 * SPILL_AT + 5;
        // Values with repeats, a spread, NaN in one metric, in a scrambled order.
        let row = |k: usize| -> Vec<f64> {
            let mut r = vec![0.0; ncol];
            let x = ((k * 7919) % 1013) as f64;
            for (m, &c) in idx.summary.iter().enumerate() {
                r[c] = x * (m + 1) as f64 / 3.0 + (k % 5) as f64;
            }
            r[idx.summary[12]] = if k % 3 == 0 { f64::NAN } else { x };
            r[idx.rounds] = 200.0;
            // Every match has a disruption; one in four ends with it censored, and of those the
            // ones with a NaN mean_recovery (k divisible by 12) are left out of its statistics.
            r[idx.n_disruptions] = 1.0;
            r[idx.n_censored] = (k % 4 == 0) as u8 as f64;
            r
        };
        let mut t = SummaryTable::new();
        let mut out = Vec::new();
        for k in 0..n_big {
            t.push(&mut out, &run(0, k as u32), ("A", "B"), &[], &row(k)).unwrap();
        }
        assert!(t.values.iter().all(|c| c.spill.as_ref().is_some_and(|s| s.len == 3 * SPILL_AT)));
        for k in 0..3 {
            t.push(&mut out, &run(1, k), ("A", "C"), &[], &row(k as usize)).unwrap();
        }
        assert!(t.values.iter().all(|c| c.spill.is_none()), "the spill file is closed once the cell is written");
        t.flush(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);

        let expected = |n: usize, label: &str| -> String {
            let rows: Vec<Vec<f64>> = (0..n).map(row).collect();
            let mut fields = vec!["0".to_string(), "A".to_string(), label.to_string(), n.to_string()];
            let rounds: f64 = rows.iter().map(|r| r[idx.rounds]).sum();
            for side in 0..2 {
                let total: f64 = rows.iter().map(|r| r[idx.score[side]]).sum();
                let mut b = String::new();
                push_float(&mut b, total / rounds);
                fields.push(b);
            }
            for &c in &idx.summary {
                let mut vals: Vec<f64> = rows.iter().map(|r| r[c]).collect();
                for x in &summarize(&mut vals).values()[1..] {
                    let mut b = String::new();
                    push_float(&mut b, *x);
                    fields.push(b);
                }
            }
            fields.push(n.div_ceil(4).to_string());
            fields.push(n.div_ceil(12).to_string());
            fields.join(",")
        };
        assert_eq!(lines[0], expected(n_big, "B"));
        assert_eq!(lines[1], expected(3, "C"));
        // Every statistic of every metric is there.
        assert_eq!(
            lines[0].split(',').count(),
            6 + SUMMARY_METRICS.len() * (Summary::COLUMNS.len() - 1) + CENSORING_COLUMNS.len()
        );
    }

    /// The row's text fields (sweep values, labels) are quoted exactly as the `csv` writer
    /// quotes them, and labels that a spreadsheet would run are neutralised.
    #[test]
    fn a_rows_text_fields_are_quoted_as_the_csv_writer_quotes_them() {
        let mut t = SummaryTable::new();
        let ncol = MatchStats::COLUMNS.len();
        let mut row = vec![1.0; ncol];
        row[t.idx.rounds] = 10.0;
        let sweep = ["0.5".to_string(), "a,b".to_string()];
        let mut out = Vec::new();
        t.push(&mut out, &run(0, 0), ("say \"hi\"", "=cmd"), &sweep, &row).unwrap();
        t.flush(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(["0", "0.5", "a,b", "say \"hi\"", "'=cmd", "1"]).unwrap();
        let expected = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert!(text.starts_with(expected.trim_end()), "{text}");
        assert!(text.ends_with('\n') && text.lines().count() == 1);
    }
}
