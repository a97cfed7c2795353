/**
 * The hub's open event streams: fan-out, backpressure and the heartbeat. A connection is a
 * small record (no closures of its own: the listeners and the one heartbeat timer are
 * shared by all), so an idle connection costs the hub little beyond Node's own socket.
 * A slow client never slows the others: writes never wait, what its socket refuses waits in
 * a bounded backlog, and a client past the bound is dropped (it resumes from its last id).
 * Live events are written once per turn of the event loop: the events published in one
 * turn go to each connection in one write, not one write per event.
 */
import type { ServerResponse } from 'node:http';
import { isFor, type BrokerEvent } from './broker.js';
import { compareEventIds } from './event-id.js';
import { HEARTBEAT_FRAME, resetFrame } from './sse-frames.js';

/** One open event stream. */
export interface Connection {
  readonly res: ServerResponse;
  /** Its audiences; `undefined` on a hub without `audience(req)`. */
  readonly audiences: readonly string[] | undefined;
  /** `?catchup=1`: replay and ready, then the response ends; never live. */
  readonly catchup: boolean;
  /** The newest id it has been sent or has skipped: a live event up to it is not sent again. */
  lastSent: string;
  /** Live events arriving while its replay is written; `undefined` once live. */
  held: BrokerEvent[] | undefined;
  /** Frames its socket has not taken yet; `undefined` while it keeps up. */
  backlog: string[] | undefined;
  backlogChars: number;
}

/** Counts for devtools and benchmarks. */
export interface ConnectionStats {
  /** Open event streams (catching up or live). */
  connections: number;
  /** Of those, how many have a backlog (a slow client). */
  backlogged: number;
  /** Connections dropped since the hub started for falling too far behind. */
  dropped: number;
}

/** Frames (in UTF-16 units) a slow connection may have waiting before it is dropped. */
export const MAX_BACKLOG_CHARS = 1 << 20;
/** Live events a connection may have held while its replay is written. */
export const MAX_HELD = 10_000;

/**
 * Every open stream of one hub.
 * @example const connections = new SseConnections(15_000); connections.broadcast(event);
 */
export class SseConnections {
  readonly #all = new Map<ServerResponse, Connection>();
  readonly #heartbeatMs: number;
  #timer: NodeJS.Timeout | undefined;
  #dropped = 0;
  /** Live events broadcast this turn, written at its end. */
  #queued: BrokerEvent[] = [];
  #flushing: NodeJS.Immediate | undefined;
  // Shared by every connection; `this` is the response (Node calls listeners with the emitter).
  readonly #onEnd: (this: ServerResponse) => void;
  readonly #onDrain: (this: ServerResponse) => void;

  constructor(heartbeatMs: number) {
    this.#heartbeatMs = heartbeatMs;
    const connections = this;
    this.#onEnd = function onEnd() {
      connections.remove(this);
    };
    this.#onDrain = function onDrain() {
      connections.#flush(this);
    };
  }

  /** Registers a stream, catching up (its live events held) until `goLive`. */
  add(res: ServerResponse, audiences: readonly string[] | undefined, catchup: boolean, lastSent: string): Connection {
    const conn: Connection = { res, audiences, catchup, lastSent, held: catchup ? undefined : [], backlog: undefined, backlogChars: 0 };
    this.#all.set(res, conn);
    res.on('close', this.#onEnd);
    res.on('error', this.#onEnd);
    res.on('drain', this.#onDrain);
    if (!this.#timer) {
      this.#timer = setInterval(() => this.#beat(), this.#heartbeatMs);
      this.#timer.unref();
    }
    return conn;
  }

  /** Forgets a stream (it closed); stops the heartbeat with the last one. */
  remove(res: ServerResponse): void {
    if (!this.#all.delete(res)) return;
    res.off('close', this.#onEnd);
    res.off('error', this.#onEnd);
    res.off('drain', this.#onDrain);
    if (this.#all.size === 0) this.#stopHeartbeat();
  }

  /** Whether the stream is still open and registered. */
  isOpen(conn: Connection): boolean {
    return this.#all.has(conn.res) && !conn.res.writableEnded && !conn.res.destroyed;
  }

  /**
   * Writes a replay frame, waiting for the socket when it is full (a replay may be long).
   * Resolves false once the stream has closed.
   */
  write(conn: Connection, frame: string): Promise<boolean> {
    const res = conn.res;
    if (!this.isOpen(conn)) return Promise.resolve(false);
    if (res.write(frame)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean) => () => {
        res.off('drain', onDrain);
        res.off('close', onClose);
        resolve(ok);
      };
      const onDrain = done(true);
      const onClose = done(false);
      res.on('drain', onDrain);
      res.on('close', onClose);
    });
  }

  /** Its replay is written and its ready sent at `latest`: send what was held, then live. */
  goLive(conn: Connection, latest: string): void {
    const held = conn.held ?? [];
    conn.held = undefined;
    if (compareEventIds(latest, conn.lastSent) > 0) conn.lastSent = latest;
    for (const event of held) this.#deliver(conn, event);
  }

  /** Sends a live event to every stream it is for, with the others of this turn. */
  broadcast(event: BrokerEvent): void {
    this.#queued.push(event);
    this.#flushing ??= setImmediate(() => this.#broadcastQueued());
  }

  /** Writes the events queued this turn: one write per connection. */
  #broadcastQueued(): void {
    clearImmediate(this.#flushing);
    this.#flushing = undefined;
    const events = this.#queued;
    if (events.length === 0) return;
    this.#queued = [];
    for (const conn of this.#all.values()) {
      if (conn.catchup) continue;
      if (conn.held) {
        if (conn.held.length + events.length > MAX_HELD) this.#drop(conn);
        else conn.held.push(...events);
        continue;
      }
      let frames = '';
      for (const event of events) frames += this.#frameFor(conn, event);
      if (frames) this.#send(conn, frames);
    }
  }

  /** Events were lost: live streams get a reset; streams still catching up end and resume. */
  reset(latest: string): void {
    // What was broadcast before the loss goes first.
    this.#broadcastQueued();
    const frame = resetFrame(latest);
    for (const conn of [...this.#all.values()]) {
      if (conn.catchup || conn.held) {
        this.#end(conn); // its replay predates the loss: it must start over
        continue;
      }
      conn.lastSent = latest;
      this.#send(conn, frame);
    }
  }

  /** Ends every stream and stops the heartbeat. */
  closeAll(): void {
    clearImmediate(this.#flushing);
    this.#flushing = undefined;
    this.#queued = [];
    for (const conn of [...this.#all.values()]) {
      this.remove(conn.res);
      this.#end(conn);
    }
    this.#stopHeartbeat();
  }

  /** Counts for devtools and benchmarks. */
  stats(): ConnectionStats {
    let backlogged = 0;
    for (const conn of this.#all.values()) if (conn.backlog) backlogged += 1;
    return { connections: this.#all.size, backlogged, dropped: this.#dropped };
  }

  #deliver(conn: Connection, event: BrokerEvent): void {
    const frame = this.#frameFor(conn, event);
    if (frame) this.#send(conn, frame);
  }

  /** What `conn` is sent of `event` (`''`: nothing, it had it or it is not for it); marks it sent. */
  #frameFor(conn: Connection, event: BrokerEvent): string {
    if (compareEventIds(event.id, conn.lastSent) <= 0) return '';
    conn.lastSent = event.id;
    return isFor(event, conn.audiences) ? event.frame : '';
  }

  #send(conn: Connection, frame: string): void {
    if (conn.backlog) {
      conn.backlog.push(frame);
      conn.backlogChars += frame.length;
      if (conn.backlogChars > MAX_BACKLOG_CHARS) this.#drop(conn);
    } else if (this.isOpen(conn) && !conn.res.write(frame)) {
      conn.backlog = [];
    }
  }

  #flush(res: ServerResponse): void {
    const conn = this.#all.get(res);
    const backlog = conn?.backlog;
    if (!conn || !backlog) return;
    conn.backlog = undefined;
    conn.backlogChars = 0;
    for (let i = 0; i < backlog.length; i += 1) {
      if (!res.write(backlog[i] as string)) {
        conn.backlog = backlog.slice(i + 1);
        conn.backlogChars = conn.backlog.reduce((n, frame) => n + frame.length, 0);
        return;
      }
    }
  }

  // Before its headers, a bare empty 200 would look like a broken hub; a dropped
  // connection is simply retried.
  #end(conn: Connection): void {
    if (conn.res.headersSent) conn.res.end();
    else conn.res.destroy();
  }

  #drop(conn: Connection): void {
    this.#dropped += 1;
    this.remove(conn.res);
    conn.res.destroy();
  }

  #beat(): void {
    for (const conn of this.#all.values()) {
      if (!conn.catchup && !conn.held && !conn.backlog) this.#send(conn, HEARTBEAT_FRAME);
    }
  }

  #stopHeartbeat(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
