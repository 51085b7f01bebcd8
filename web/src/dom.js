// Building DOM nodes without innerHTML: names, addresses and error texts come from the network.

// el('td', {class: 'x', dataset: {id}, title}, child, 'text', null, ...)
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  node.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

export function setText(root, selector, text) {
  const node = root.querySelector(selector);
  if (node) node.textContent = text;
}
