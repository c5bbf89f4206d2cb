"""Sends records to a forward-protocol server with fluent-logger (Debian: python3-fluent-logger).

usage: fluent_client.py HOST PORT COUNT MODE      MODE is plain or ack

fluent-logger 0.10 has no require_ack_response option: its FluentSender sends Message-mode entries
and never reads a response (it even discards whatever arrives). In ack mode this script extends
FluentSender the way Fluentd's out_forward implements require_ack_response: each entry carries a
unique `chunk` option, and the sender waits for {"ack": chunk} before it reports the event as sent.
Connecting, packing, the EventTime type, buffering and error handling stay the library's.

Prints "waiting <chunk>" before each wait for an ack, then "acked <seq> <chunk>" (ack mode) or
"sent <seq>" (plain mode), and "done" at the end. Prints "error <seq> <reason>" and exits 1 when
the library reports a failed emit.
"""

import base64
import errno
import socket
import sys
import uuid

import msgpack
from fluent import sender


class AckingSender(sender.FluentSender):
    """FluentSender that asks for and waits for the forward protocol's ack, one entry at a time."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.chunk = None
        self._ack_socket = None
        self._acks = None

    def _make_packet(self, label, timestamp, data):
        tag = '.'.join((self.tag, label)) if label else self.tag
        self.chunk = base64.b64encode(uuid.uuid4().bytes).decode('ascii')
        return msgpack.packb((tag, timestamp, data, {'chunk': self.chunk}), **self.msgpack_kwargs)

    def _send_data(self, bytes_):
        self._reconnect()
        if self._ack_socket is not self.socket:
            self._ack_socket = self.socket
            self._acks = msgpack.Unpacker(raw=False)
        self.socket.sendall(bytes_)
        print('waiting', self.chunk, flush=True)
        while True:
            for response in self._acks:
                if isinstance(response, dict) and response.get('ack') == self.chunk:
                    return
                raise socket.error(errno.EPROTO, 'unexpected response %r' % (response,))
            data = self.socket.recv(4096)
            if not data:
                raise socket.error(errno.EPIPE, 'connection closed before the ack')
            self._acks.feed(data)


def main():
    host, port, count, mode = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    kind = AckingSender if mode == 'ack' else sender.FluentSender
    logger = kind('app', host=host, port=port, timeout=30.0, nanosecond_precision=True)
    for seq in range(count):
        record = {
            'seq': seq,
            'message': 'hello %d' % seq,
            'host': 'web-%d' % (seq % 3),
            'text': 'ünïcödé ✓',
            'nested': {'level': 1, 'tags': ['a', 'b']},
        }
        if seq == 0:
            record['id'] = 'own-id-0'
        if not logger.emit_with_time('web', 1700000000.5 + seq, record):
            print('error', seq, repr(logger.last_error), flush=True)
            sys.exit(1)
        if mode == 'ack':
            print('acked', seq, logger.chunk, flush=True)
        else:
            print('sent', seq, flush=True)
    logger.close()
    print('done', flush=True)


if __name__ == '__main__':
    main()
