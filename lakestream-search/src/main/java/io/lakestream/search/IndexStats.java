package io.lakestream.search;

/**
 * Size of the index as seen by the current searcher.
 *
 * @param documents live documents
 * @param deletedDocuments deleted documents not yet merged away
 * @param segments Lucene segments
 * @param sizeOnDiskBytes bytes of all files of the active index directory
 * @param directory the active index directory (changes after a reindex)
 */
public record IndexStats(
    long documents,
    long deletedDocuments,
    int segments,
    long sizeOnDiskBytes,
    java.nio.file.Path directory) {}
