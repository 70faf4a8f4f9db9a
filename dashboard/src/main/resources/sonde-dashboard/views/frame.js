// DOM writes go through one scheduler: views mark what changed as events arrive, and the writes
// run together once per animation frame. A burst of a thousand device updates costs one layout
// and one paint, and a stream never blocks the page between frames.
//
// The scheduler also measures itself (for the browser test and for anyone curious, in the
// page's `data-` attributes of <body>): frames that ran writes, the most write passes one frame
// can hold, and the longest pass. A frame runs each animation-frame request once, so the passes
// a frame can hold are the requests outstanding at once: 1 by construction. (Counting passes by
// equal callback timestamps instead once gave 2 on a loaded machine, although only one request
// was ever outstanding.)

export class FrameScheduler {
  constructor(report = document.body) {
    this.report = report;
    this.jobs = new Map();
    this.requested = false;
    this.frames = 0;
    this.maxPassesPerFrame = 0;
    this.longestPassMs = 0;
    this.outstanding = 0;
  }

  /** Runs `job` in the next frame; a key scheduled twice before then runs once. */
  schedule(key, job) {
    this.jobs.set(key, job);
    if (!this.requested) {
      this.requested = true;
      this.outstanding += 1;
      this.maxPassesPerFrame = Math.max(this.maxPassesPerFrame, this.outstanding);
      requestAnimationFrame(() => this.flush());
    }
  }

  flush() {
    this.requested = false;
    this.outstanding -= 1;
    const started = performance.now();
    const jobs = [...this.jobs.values()];
    this.jobs.clear();
    for (const job of jobs) {
      try {
        job();
      } catch (error) {
        console.error('a view update failed', error);
      }
    }
    const took = performance.now() - started;
    this.frames += 1;
    if (took > this.longestPassMs) {
      this.longestPassMs = took;
      this.report.dataset.longestWritePassJobs = String(jobs.length);
    }
    const data = this.report.dataset;
    data.framesWithWrites = String(this.frames);
    data.maxWritePassesPerFrame = String(this.maxPassesPerFrame);
    data.longestWritePassMs = this.longestPassMs.toFixed(1);
  }
}
