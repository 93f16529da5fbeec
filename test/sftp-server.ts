// A real SFTP server for tests (ssh2's server API), serving read-only the files of a temporary
// directory to one user with a password: what a vendor's server is to a feed. It speaks the SSH
// and SFTP protocols for real (key exchange, password authentication, OPEN/READ/STAT), so the
// client a feed uses (ssh2-sftp-client) runs unchanged. A path outside the directory, or a file
// that is not there, answers NO_SUCH_FILE as OpenSSH's sftp-server does.
import { constants as fsConstants, mkdtempSync, promises as fs, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import ssh2 from "ssh2";

const { Server, utils } = ssh2;
const { STATUS_CODE } = utils.sftp;

export interface SftpServer {
  host: string;
  port: number;
  username: string;
  password: string;
  /** Puts (or replaces) a file at `remotePath` ("/out/stock.csv"). */
  put(remotePath: string, content: string): Promise<void>;
  remove(remotePath: string): Promise<void>;
  close(): Promise<void>;
}

export async function startSftpServer(username = "vendor", password = "feed-password"): Promise<SftpServer> {
  const root = mkdtempSync(path.join(tmpdir(), "anchorline-sftp-"));
  const local = (remotePath: string): string | null => {
    const resolved = path.resolve(root, `.${path.posix.normalize(`/${remotePath}`)}`);
    return resolved.startsWith(root) ? resolved : null;
  };
  const hostKey = utils.generateKeyPairSync("ed25519").private;
  const server = new Server({ hostKeys: [hostKey] }, (client) => {
    client.on("authentication", (ctx) => {
      if (ctx.method === "password" && ctx.username === username && ctx.password === password) ctx.accept();
      else ctx.reject(["password"]);
    });
    client.on("error", () => {});
    client.on("ready", () => {
      client.on("session", (accept) => {
        const session = accept();
        session.on("sftp", (acceptSftp) => {
          const sftp = acceptSftp();
          const handles = new Map<number, fs.FileHandle>();
          let next = 0;
          const handleOf = (buffer: Buffer) => handles.get(buffer.readUInt32BE(0));
          const attrsOf = (stats: import("node:fs").Stats) => ({
            mode: stats.mode,
            uid: stats.uid,
            gid: stats.gid,
            size: stats.size,
            atime: Math.floor(stats.atimeMs / 1000),
            mtime: Math.floor(stats.mtimeMs / 1000),
          });
          sftp.on("REALPATH", (reqid, given) => sftp.name(reqid, [{ filename: path.posix.normalize(`/${given}`), longname: "", attrs: {} as never }]));
          const stat = async (reqid: number, remotePath: string) => {
            const file = local(remotePath);
            try {
              if (!file) throw new Error("outside");
              sftp.attrs(reqid, attrsOf(await fs.stat(file)));
            } catch {
              sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
            }
          };
          sftp.on("STAT", (reqid, remotePath) => void stat(reqid, remotePath));
          sftp.on("LSTAT", (reqid, remotePath) => void stat(reqid, remotePath));
          sftp.on("OPEN", async (reqid, remotePath) => {
            const file = local(remotePath);
            try {
              if (!file) throw new Error("outside");
              const handle = await fs.open(file, fsConstants.O_RDONLY);
              const id = next++;
              handles.set(id, handle);
              const buffer = Buffer.alloc(4);
              buffer.writeUInt32BE(id, 0);
              sftp.handle(reqid, buffer);
            } catch {
              sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
            }
          });
          sftp.on("FSTAT", async (reqid, buffer) => {
            const handle = handleOf(buffer);
            if (!handle) return sftp.status(reqid, STATUS_CODE.FAILURE);
            sftp.attrs(reqid, attrsOf(await handle.stat()));
          });
          sftp.on("READ", async (reqid, buffer, offset, length) => {
            const handle = handleOf(buffer);
            if (!handle) return sftp.status(reqid, STATUS_CODE.FAILURE);
            const chunk = Buffer.alloc(length);
            const { bytesRead } = await handle.read(chunk, 0, length, offset);
            if (bytesRead === 0) sftp.status(reqid, STATUS_CODE.EOF);
            else sftp.data(reqid, chunk.subarray(0, bytesRead));
          });
          sftp.on("CLOSE", async (reqid, buffer) => {
            const id = buffer.readUInt32BE(0);
            await handles.get(id)?.close();
            handles.delete(id);
            sftp.status(reqid, STATUS_CODE.OK);
          });
        });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: "127.0.0.1",
    port,
    username,
    password,
    async put(remotePath, content) {
      const file = local(remotePath)!;
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, content);
    },
    async remove(remotePath) {
      await fs.rm(local(remotePath)!, { force: true });
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}
