/* The Listen block in the editor: a placeholder; the page shows the player (rendered on the server). */
( function ( blocks, element ) {
	var el = element.createElement;
	blocks.registerBlockType( 'listen/player', {
		title: 'Listen',
		description: 'The audio player for this post, once its audio is ready.',
		icon: 'controls-volumeon',
		category: 'media',
		attributes: { layout: { type: 'string', default: '' } },
		supports: { html: false, multiple: false },
		edit: function () {
			return el( 'p', { style: { padding: '12px', border: '1px dashed #999' } }, '▶ Listen: the player appears here once the audio is ready.' );
		},
		save: function () {
			return null;
		},
	} );
} )( window.wp.blocks, window.wp.element );
