//! Running work on a bounded number of threads: one function over many items
//! ([`parallel_map`]), or a queue of tasks that create further tasks ([`run_queue`]).

use std::collections::{BinaryHeap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use crate::sync::lock;

/// `f` over `items` on at most `workers` threads; results in input order. One item runs on
/// the calling thread.
pub(crate) fn parallel_map<T: Sync, R: Send>(
    workers: usize,
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let workers = workers.max(1).min(items.len());
    if workers <= 1 {
        return items.iter().map(&f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        out.push((i, f(item)));
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// The task queue of [`run_queue`]: tasks waiting in priority lanes (lane 0 first), tasks
/// due at a later time, and a source the workers draw from when every lane is empty.
///
/// Hand-written rather than a thread-pool crate: the pool must run on the caller's scoped
/// threads (tasks borrow the caller's data), end by itself once nothing is queued, due or
/// running, and hold timed tasks without occupying a worker; the crates that do all three
/// are async runtimes.
pub(crate) struct TaskQueue<T> {
    state: Mutex<QueueState<T>>,
    wake: Condvar,
}

struct QueueState<T> {
    lanes: Vec<VecDeque<T>>,
    timed: BinaryHeap<Timed<T>>,
    /// Tasks being run right now.
    running: usize,
    /// Orders timed tasks due at the same instant by when they were queued.
    seq: u64,
}

struct Timed<T> {
    due: Instant,
    seq: u64,
    lane: usize,
    task: T,
}

impl<T> PartialEq for Timed<T> {
    fn eq(&self, other: &Self) -> bool {
        (self.due, self.seq) == (other.due, other.seq)
    }
}

impl<T> Eq for Timed<T> {}

impl<T> PartialOrd for Timed<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for Timed<T> {
    /// Reversed: the heap's top is the task due first.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (other.due, other.seq).cmp(&(self.due, self.seq))
    }
}

impl<T> TaskQueue<T> {
    fn lock(&self) -> MutexGuard<'_, QueueState<T>> {
        lock(&self.state)
    }

    /// Queues `task` in `lane` (lanes with a lower number run first).
    pub(crate) fn push(&self, lane: usize, task: T) {
        self.lock().lanes[lane].push_back(task);
        self.wake.notify_one();
    }

    /// Queues `task` in `lane` once `due` has come; it occupies no worker until then.
    pub(crate) fn push_at(&self, due: Instant, lane: usize, task: T) {
        let mut state = self.lock();
        state.seq += 1;
        let seq = state.seq;
        state.timed.push(Timed {
            due,
            seq,
            lane,
            task,
        });
        drop(state);
        // A waiting worker may now have to wake earlier than it planned.
        self.wake.notify_one();
    }
}

impl<T> QueueState<T> {
    /// The next task to run: due timed tasks join their lane first; then the lowest
    /// non-empty lane, else the source.
    fn next(&mut self, source: &impl Fn() -> Option<T>) -> Option<T> {
        let now = Instant::now();
        while self.timed.peek().is_some_and(|t| t.due <= now) {
            if let Some(t) = self.timed.pop() {
                self.lanes[t.lane].push_back(t.task);
            }
        }
        self.lanes
            .iter_mut()
            .find_map(VecDeque::pop_front)
            .or_else(source)
    }
}

/// Lowers the running count when a task ends, also by a panic (so the other workers do
/// not wait for it for ever), and wakes every worker when that may end the run.
struct Running<'q, T>(&'q TaskQueue<T>);

impl<T> Drop for Running<'_, T> {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.running -= 1;
        let idle = state.running == 0;
        drop(state);
        if idle {
            self.0.wake.notify_all();
        }
    }
}

/// Runs `initial` (each with its lane), every task those tasks queue through the
/// [`TaskQueue`] handed to `run`, and every task `source` yields when all lanes are empty,
/// on at most `workers` threads; returns when nothing is queued, due or running and
/// `source` yields nothing. `source` is called under the queue's lock, so it must be quick
/// (a cursor over a list). A panic in a task reaches the caller once the other workers
/// have stopped.
pub(crate) fn run_queue<T: Send>(
    workers: usize,
    lanes: usize,
    initial: impl IntoIterator<Item = (usize, T)>,
    source: impl Fn() -> Option<T> + Sync,
    run: impl Fn(T, &TaskQueue<T>) + Sync,
) {
    let queue = TaskQueue {
        state: Mutex::new(QueueState {
            lanes: (0..lanes.max(1)).map(|_| VecDeque::new()).collect(),
            timed: BinaryHeap::new(),
            running: 0,
            seq: 0,
        }),
        wake: Condvar::new(),
    };
    for (lane, task) in initial {
        queue.lock().lanes[lane].push_back(task);
    }
    let worker = || {
        let mut state = queue.lock();
        loop {
            if let Some(task) = state.next(&source) {
                state.running += 1;
                drop(state);
                let running = Running(&queue);
                run(task, &queue);
                drop(running);
                state = queue.lock();
                continue;
            }
            if state.running == 0 && state.timed.is_empty() {
                drop(state);
                queue.wake.notify_all();
                return;
            }
            state = match state.timed.peek().map(|t| t.due) {
                Some(due) => {
                    let wait = due.saturating_duration_since(Instant::now());
                    queue
                        .wake
                        .wait_timeout(state, wait)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0
                }
                None => queue
                    .wake
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner),
            };
        }
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers.max(1)).map(|_| scope.spawn(worker)).collect();
        let mut panic = None;
        for h in handles {
            if let Err(p) = h.join() {
                panic.get_or_insert(p);
            }
        }
        if let Some(p) = panic {
            std::panic::resume_unwind(p);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock, SystemClock};
    use std::time::Duration;

    #[test]
    fn queued_tasks_run_by_lane_spawn_more_and_stay_bounded() {
        // Each task n > 0 queues n - 1 (lane 1) and, due 20 ms later, a timed marker
        // (lane 0); the source yields five more tasks of 3.
        let running = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let ran = Mutex::new(Vec::new());
        let supplied = AtomicUsize::new(0);
        run_queue(
            3,
            2,
            [(1, 4u64)],
            || (supplied.fetch_add(1, Ordering::SeqCst) < 5).then_some(3),
            |n, queue| {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                SystemClock.sleep(Duration::from_millis(5));
                ran.lock().unwrap().push(n);
                if (1..100).contains(&n) {
                    queue.push(1, n - 1);
                    queue.push_at(Instant::now() + Duration::from_millis(20), 0, 100 + n);
                }
                running.fetch_sub(1, Ordering::SeqCst);
            },
        );
        let ran = ran.into_inner().unwrap();
        // 4 → 3, 2, 1, 0 (5 tasks, 4 markers); 5 × (3 → 2, 1, 0: 4 tasks, 3 markers).
        assert_eq!(ran.len(), 5 + 4 + 5 * (4 + 3), "{ran:?}");
        assert_eq!(ran.iter().filter(|&&n| n >= 100).count(), 4 + 5 * 3);
        assert!(most.load(Ordering::SeqCst) <= 3);
        assert_eq!(most.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn a_panicking_task_ends_the_queue_and_reaches_the_caller() {
        let caught = std::panic::catch_unwind(|| {
            run_queue(
                2,
                1,
                [(0, 1u32), (0, 2), (0, 3)],
                || None,
                |n, _| assert_ne!(n, 2, "task two fails"),
            )
        });
        assert!(caught.is_err());
    }

    #[test]
    fn results_keep_input_order_and_workers_stay_bounded() {
        let running = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let items: Vec<u64> = (0..40).collect();
        let out = parallel_map(4, &items, |&i| {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            // Later items finish first.
            SystemClock.sleep(Duration::from_millis(40 - i));
            running.fetch_sub(1, Ordering::SeqCst);
            i * 2
        });
        assert_eq!(out, (0..40).map(|i| i * 2).collect::<Vec<_>>());
        assert_eq!(most.load(Ordering::SeqCst), 4);
        assert!(parallel_map(4, &[] as &[u64], |&i| i).is_empty());
        assert_eq!(parallel_map(0, &[7u64], |&i| i + 1), [8]);
    }

    #[test]
    fn a_panic_in_a_worker_reaches_the_caller() {
        let items = [1, 2, 3];
        let caught = std::panic::catch_unwind(|| {
            parallel_map(3, &items, |&i| {
                assert_ne!(i, 2, "item two fails");
                i
            })
        });
        assert!(caught.is_err());
    }
}
