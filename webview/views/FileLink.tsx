import { webviewMessages } from '../../extension/protocol/webviewMessages';
import { useHost } from '../host/hostContext';

/** A repository path that opens in an editor (`file/open`). */
export function FileLink({ path, line }: { path: string; line?: number }) {
  const host = useHost();
  return (
    <a
      className="file-link"
      href="#"
      title={`Open ${path}${line ? `:${line}` : ''}`}
      onClick={(e) => {
        e.preventDefault();
        host.post(webviewMessages.openFile(path, line));
      }}
    >
      <i className="codicon codicon-go-to-file" aria-hidden="true" />
      {path}
      {line ? `:${line}` : ''}
    </a>
  );
}
