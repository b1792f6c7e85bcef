/**
 * The seccomp program behind network `none`: bubblewrap always brings up a fresh namespace's
 * loopback, so "no network" is enforced one level down, by refusing to make an internet socket at
 * all (IPv4 or IPv6, and io_uring, which could make one without the socket call). Unix sockets are
 * local files and stay allowed. A classic BPF program, as `bwrap --seccomp FD` loads it.
 */

const ARCH: Record<string, { audit: number; socket: number; ioUringSetup: number }> = {
  x64: { audit: 0xc000003e, socket: 41, ioUringSetup: 425 },
  arm64: { audit: 0xc00000b7, socket: 198, ioUringSetup: 425 },
};

const LD_ABS = 0x20; // BPF_LD | BPF_W | BPF_ABS
const JEQ = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
const JGE = 0x35; // BPF_JMP | BPF_JGE | BPF_K
const RET = 0x06; // BPF_RET | BPF_K
const ALLOW = 0x7fff0000;
const EACCES = 13;
const ERRNO = 0x00050000;
const X32_BIT = 0x40000000;
const AF_INET = 2;
const AF_INET6 = 10;

/** Whether this machine's architecture has a program (elsewhere `none` cannot be enforced). */
export function canDenyInternet(arch: string = process.arch): boolean {
  return arch in ARCH;
}

/** The program: internet sockets and io_uring refused with EACCES, everything else allowed. */
export function denyInternetProgram(arch: string = process.arch): Buffer {
  const a = ARCH[arch];
  if (!a) throw new Error(`no seccomp program for ${arch}`);
  const deny = ERRNO | EACCES;
  // [code, jt, jf, k]; jumps count instructions to skip
  const program: [number, number, number, number][] = [
    [LD_ABS, 0, 0, 4], // 0: arch
    [JEQ, 1, 0, a.audit], // 1: ours → 3
    [RET, 0, 0, deny], // 2: a foreign ABI (i386 on x86_64) is refused outright
    [LD_ABS, 0, 0, 0], // 3: syscall number
    [JGE, 7, 0, X32_BIT], // 4: x32 ABI → deny (12)
    [JEQ, 6, 0, a.ioUringSetup], // 5: → deny (12)
    [JEQ, 0, 4, a.socket], // 6: not socket → allow (11)
    [LD_ABS, 0, 0, 16], // 7: args[0], the domain (low half, little-endian)
    [JEQ, 3, 0, AF_INET], // 8: → deny (12)
    [JEQ, 2, 0, AF_INET6], // 9: → deny (12)
    [RET, 0, 0, ALLOW], // 10
    [RET, 0, 0, ALLOW], // 11
    [RET, 0, 0, deny], // 12
  ];
  const out = Buffer.alloc(program.length * 8);
  program.forEach(([code, jt, jf, k], i) => {
    out.writeUInt16LE(code, i * 8);
    out.writeUInt8(jt, i * 8 + 2);
    out.writeUInt8(jf, i * 8 + 3);
    out.writeUInt32LE(k >>> 0, i * 8 + 4);
  });
  return out;
}
