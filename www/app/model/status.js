// What a run's status line says, for the playground and the embed alike: the status (the
// result's, or RUNNING, PAUSED, IDLE and ERROR for a run that could not run) and its words.
import { fmtMs } from '../lib/format.js';

const WORDS = { SUCCEEDED: 'Succeeded', FAILED: 'Failed', TIMED_OUT: 'Timed out', ABORTED: 'Stopped (aborted)' };

/** A result's status in words: 'Succeeded', 'Timed out', ... */
export function statusWord(status) {
  return WORDS[status] || status;
}

/** The message of a run that did not run: the page's own reasons as they are, others as engine errors. */
export function errorText(message) {
  return message.startsWith('Cannot run') || message.startsWith('Not run') ? message : `Engine error: ${message}`;
}

/**
 * The playground's status line for a run ({result?, error?, paused, nowMs, sequential}, or
 * null before any run): {status, text}. engineError: why the engine could not start, if so.
 */
export function runStatus(run, engineError = null) {
  if (!run && engineError) return { status: 'ERROR', text: engineError };
  if (!run) return { status: 'IDLE', text: 'Not run yet' };
  if (run.error) return { status: 'ERROR', text: errorText(run.error.message) };
  if (run.result) {
    const r = run.result;
    return {
      status: r.status,
      text: `${statusWord(r.status)} in ${fmtMs(r.durationMs)} of workflow time · ${r.events.length} events${run.attempt ? ` · redriveCount ${run.attempt}` : ''}${run.sequential ? ' · sequential twin' : ''}`,
    };
  }
  return { status: run.paused ? 'PAUSED' : 'RUNNING', text: `${run.paused ? 'Paused' : run.attempt ? `Redrive ${run.attempt} running` : 'Running'} · ${fmtMs(run.nowMs)}` };
}

/** The embed's shorter line for a result: 'Succeeded in 3 s', or with the error and cause. */
export function resultStatus(result) {
  const tail = result.status === 'SUCCEEDED' ? '' : `: ${result.error || ''} ${result.cause || ''}`.trimEnd();
  return { status: result.status, text: `${statusWord(result.status)} in ${fmtMs(result.durationMs)}${tail}` };
}

/** Is the run going (not finished, not failed to run)? */
export function isRunning(run) {
  return !!(run && !run.result && !run.error);
}

/** Can `run` (the store's, ended) be redriven: did it fail, time out or abort (AWS's RedriveExecution takes those)? */
export const redrivable = (run) => !!run?.ran && ['FAILED', 'TIMED_OUT', 'ABORTED'].includes(run.result?.status);
