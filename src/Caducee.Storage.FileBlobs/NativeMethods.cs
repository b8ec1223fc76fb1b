// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Runtime.InteropServices;

namespace Caducee.Storage.FileBlobs;

/// <summary>POSIX calls .NET does not expose: fsync of a directory, so a rename is durable.</summary>
internal static class NativeMethods
{
    private const int ORdOnly = 0;

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
#pragma warning disable CA2101 // UTF-8 path; libc takes char*.
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);
#pragma warning restore CA2101

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);

    [DllImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static extern int SyncFs(int fd);

    /// <summary>Whether <see cref="SyncFileSystem"/> is available (Linux).</summary>
    public static bool CanSyncFileSystem => OperatingSystem.IsLinux();

    /// <summary>
    /// syncfs(2): writes every dirty page and inode of the file system holding <paramref name="path"/> and
    /// commits its journal (one flush for many files). Linux only.
    /// </summary>
    public static void SyncFileSystem(string path)
    {
        var fd = Open(path, ORdOnly);
        if (fd < 0)
        {
            throw new IOException($"cannot open {path} for syncfs (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (SyncFs(fd) != 0)
            {
                throw new IOException($"syncfs of {path} failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>Flushes a directory entry to disk (no-op where not POSIX).</summary>
    public static void FsyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        var fd = Open(directory, ORdOnly);
        if (fd < 0)
        {
            throw new IOException($"cannot open directory {directory} for fsync (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }
}

/// <summary>Durable file operations for key and blob files (fsync of directories after renames).</summary>
public static class DurableFiles
{
    /// <summary>Flushes a directory entry to disk, so a rename or creation in it survives a crash.</summary>
    public static void FsyncDirectory(string directory) => NativeMethods.FsyncDirectory(directory);

    /// <summary>Atomically replaces <paramref name="destination"/> by <paramref name="source"/> and makes the rename durable.</summary>
    public static void Replace(string source, string destination)
    {
        File.Move(source, destination, overwrite: true);
        FsyncDirectory(Path.GetDirectoryName(Path.GetFullPath(destination))!);
    }
}
